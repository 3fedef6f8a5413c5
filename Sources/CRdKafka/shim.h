#ifndef SENSORCTL_CRDKAFKA_SHIM_H
#define SENSORCTL_CRDKAFKA_SHIM_H
#include <librdkafka/rdkafka.h>

/* RD_KAFKA_PARTITION_UA and RD_KAFKA_MSG_F_COPY are macros Swift cannot import as typed constants. */
static inline int32_t sensorctl_rd_kafka_partition_unassigned(void) { return RD_KAFKA_PARTITION_UA; }
static inline int sensorctl_rd_kafka_msg_f_copy(void) { return RD_KAFKA_MSG_F_COPY; }
#endif
