#ifndef SENSORCTL_CLIBPQ_SHIM_H
#define SENSORCTL_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
