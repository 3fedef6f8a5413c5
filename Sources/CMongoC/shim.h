#ifndef SENSORCTL_CMONGOC_SHIM_H
#define SENSORCTL_CMONGOC_SHIM_H
#include <mongoc/mongoc.h>
#include <bson/bson.h>
#endif
