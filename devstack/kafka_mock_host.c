/*
 * kafka-mock-host: hosts librdkafka's mock Kafka cluster for the devstack.
 *
 *   kafka-mock-host -b BOOTSTRAP_FILE -c CTL_FIFO -r REPLY_FILE
 *                   [-t TOPIC] [-p PARTITIONS] [-n BROKERS]
 *
 * Creates the cluster (BROKERS brokers on random 127.0.0.1 ports, default 3), creates TOPIC with
 * PARTITIONS partitions (default sensor.readings / 6), writes the bootstrap list to
 * BOOTSTRAP_FILE (atomically, via rename) and serves until SIGTERM/SIGINT.
 *
 * Control channel: CTL_FIFO is a named pipe read line by line. Each command is answered by one
 * line appended to REPLY_FILE (and echoed to stderr): "ok <command>" or "error <command>: why".
 *   ping
 *   broker-down ID            broker-up ID            (broker ids are 1..BROKERS)
 *   broker-rtt ID MS          add MS of latency to every response of that broker
 *   create-topic NAME PARTITIONS [REPLICATION]
 *   push-errors API COUNT ERROR
 *                             the next COUNT requests of API fail with ERROR; API is a Kafka API
 *                             name (PRODUCE, FETCH, METADATA, INIT_PRODUCER_ID, ...) or its
 *                             number; ERROR is a librdkafka error name without the
 *                             RD_KAFKA_RESP_ERR_ prefix (NOT_ENOUGH_REPLICAS) or a number
 *   clear-errors API          drop the errors still queued for API
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static volatile sig_atomic_t stop_requested;
static rd_kafka_mock_cluster_t *mcluster;
static int broker_count = 3;
static FILE *reply_file;

static void on_signal(int sig) {
    (void)sig;
    stop_requested = 1;
}

/* Kafka protocol ApiKeys (public protocol numbers; librdkafka keeps its enum private). */
static const struct { const char *name; int key; } api_keys[] = {
    {"PRODUCE", 0},          {"FETCH", 1},
    {"LIST_OFFSETS", 2},     {"METADATA", 3},
    {"OFFSET_COMMIT", 8},    {"OFFSET_FETCH", 9},
    {"FIND_COORDINATOR", 10}, {"JOIN_GROUP", 11},
    {"HEARTBEAT", 12},       {"LEAVE_GROUP", 13},
    {"SYNC_GROUP", 14},      {"DESCRIBE_GROUPS", 15},
    {"LIST_GROUPS", 16},     {"API_VERSIONS", 18},
    {"INIT_PRODUCER_ID", 22}, {"ADD_PARTITIONS_TO_TXN", 24},
    {"ADD_OFFSETS_TO_TXN", 25}, {"END_TXN", 26},
    {"TXN_OFFSET_COMMIT", 28},
};

/* Parses a non-negative decimal integer; -1 if s is not one. */
static long parse_number(const char *s) {
    char *end;
    if (s == NULL || !isdigit((unsigned char)*s))
        return -1;
    errno = 0;
    long v = strtol(s, &end, 10);
    return (*end != '\0' || errno != 0) ? -1 : v;
}

static int parse_api(const char *s) {
    long n = parse_number(s);
    if (n >= 0)
        return n <= 0x7fff ? (int)n : -1;
    for (size_t i = 0; i < sizeof api_keys / sizeof api_keys[0]; i++)
        if (strcasecmp(s, api_keys[i].name) == 0)
            return api_keys[i].key;
    return -1;
}

/* Error name as in rd_kafka_err2name() (NOT_ENOUGH_REPLICAS, _TRANSPORT), optionally prefixed. */
static int parse_error(const char *s, rd_kafka_resp_err_t *out) {
    long n = parse_number(s);
    if (n >= 0) {
        *out = (rd_kafka_resp_err_t)n;
        return 0;
    }
    if (strncasecmp(s, "RD_KAFKA_RESP_ERR_", 18) == 0)
        s += 18;
    const struct rd_kafka_err_desc *descs;
    size_t cnt;
    rd_kafka_get_err_descs(&descs, &cnt);
    for (size_t i = 0; i < cnt; i++) {
        if (descs[i].name != NULL && strcasecmp(s, descs[i].name) == 0) {
            *out = descs[i].code;
            return 0;
        }
    }
    return -1;
}

static int parse_broker(const char *s) {
    long id = parse_number(s);
    return (id >= 1 && id <= broker_count) ? (int)id : -1;
}

/* Runs one command; returns NULL on success or a static/err message on failure. */
static const char *run_command(int argc, char **argv) {
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
    const char *cmd = argv[0];

    if (strcmp(cmd, "ping") == 0 && argc == 1)
        return NULL;
    if ((strcmp(cmd, "broker-down") == 0 || strcmp(cmd, "broker-up") == 0) && argc == 2) {
        int id = parse_broker(argv[1]);
        if (id < 0)
            return "no such broker";
        err = strcmp(cmd, "broker-down") == 0 ? rd_kafka_mock_broker_set_down(mcluster, id)
                                              : rd_kafka_mock_broker_set_up(mcluster, id);
    } else if (strcmp(cmd, "broker-rtt") == 0 && argc == 3) {
        int id = parse_broker(argv[1]);
        long ms = parse_number(argv[2]);
        if (id < 0 || ms < 0)
            return "usage: broker-rtt ID MS";
        err = rd_kafka_mock_broker_set_rtt(mcluster, id, (int)ms);
    } else if (strcmp(cmd, "create-topic") == 0 && (argc == 3 || argc == 4)) {
        long parts = parse_number(argv[2]);
        long repl = argc == 4 ? parse_number(argv[3]) : (broker_count < 3 ? broker_count : 3);
        if (parts < 1 || repl < 1 || repl > broker_count)
            return "usage: create-topic NAME PARTITIONS [REPLICATION<=brokers]";
        err = rd_kafka_mock_topic_create(mcluster, argv[1], (int)parts, (int)repl);
    } else if (strcmp(cmd, "push-errors") == 0 && argc == 4) {
        int api = parse_api(argv[1]);
        long count = parse_number(argv[2]);
        rd_kafka_resp_err_t code;
        if (api < 0)
            return "unknown API";
        if (count < 1 || count > 10000)
            return "COUNT must be 1..10000";
        if (parse_error(argv[3], &code) < 0)
            return "unknown error name";
        rd_kafka_resp_err_t *codes = malloc(sizeof *codes * (size_t)count);
        if (codes == NULL)
            return "out of memory";
        for (long i = 0; i < count; i++)
            codes[i] = code;
        rd_kafka_mock_push_request_errors_array(mcluster, (int16_t)api, (size_t)count, codes);
        free(codes);
    } else if (strcmp(cmd, "clear-errors") == 0 && argc == 2) {
        int api = parse_api(argv[1]);
        if (api < 0)
            return "unknown API";
        rd_kafka_mock_clear_request_errors(mcluster, (int16_t)api);
    } else {
        return "unknown command or wrong number of arguments";
    }
    return err ? rd_kafka_err2str(err) : NULL;
}

static void handle_line(char *line) {
    char original[4096];
    char *argv[8];
    int argc = 0;

    snprintf(original, sizeof original, "%s", line);
    for (char *tok = strtok(line, " \t\r"); tok != NULL && argc < 8; tok = strtok(NULL, " \t\r"))
        argv[argc++] = tok;
    if (argc == 0)
        return;
    const char *error = argc < 8 ? run_command(argc, argv) : "too many arguments";
    if (error == NULL) {
        fprintf(reply_file, "ok %s\n", original);
        fprintf(stderr, "kafka-mock-host: ok %s\n", original);
    } else {
        fprintf(reply_file, "error %s: %s\n", original, error);
        fprintf(stderr, "kafka-mock-host: error %s: %s\n", original, error);
    }
    fflush(reply_file);
}

/* Opens the FIFO read-write: we then always hold a writer, so poll() never reports a
 * permanent EOF/POLLHUP after the last external writer closes. */
static int open_ctl(const char *path) {
    struct stat st;
    if (lstat(path, &st) == 0 && !S_ISFIFO(st.st_mode))
        unlink(path); /* e.g. a regular file left by `echo cmd > ctl` while we were down */
    if (mkfifo(path, 0600) < 0 && errno != EEXIST)
        return -1;
    return open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
}

static int write_bootstraps(const char *path, const char *bootstraps) {
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (f == NULL)
        return -1;
    fprintf(f, "%s\n", bootstraps);
    if (fclose(f) != 0)
        return -1;
    return rename(tmp, path);
}

static void usage(void) {
    fprintf(stderr, "usage: kafka-mock-host -b BOOTSTRAP_FILE -c CTL_FIFO -r REPLY_FILE "
                    "[-t TOPIC] [-p PARTITIONS] [-n BROKERS]\n");
    exit(2);
}

int main(int argc, char **argv) {
    const char *bootstrap_path = NULL, *ctl_path = NULL, *reply_path = NULL;
    const char *topic = "sensor.readings";
    long partitions = 6;
    int opt;
    char errstr[512];

    while ((opt = getopt(argc, argv, "b:c:r:t:p:n:")) != -1) {
        switch (opt) {
        case 'b': bootstrap_path = optarg; break;
        case 'c': ctl_path = optarg; break;
        case 'r': reply_path = optarg; break;
        case 't': topic = optarg; break;
        case 'p': partitions = parse_number(optarg); break;
        case 'n': broker_count = (int)parse_number(optarg); break;
        default: usage();
        }
    }
    if (!bootstrap_path || !ctl_path || !reply_path || partitions < 1 || broker_count < 1)
        usage();

    struct sigaction sa = {.sa_handler = on_signal}; /* no SA_RESTART: poll() returns EINTR */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    /* Any client handle can host a mock cluster; this one is never used to produce. */
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "log_level", "4", NULL, 0); /* skip the "no bootstrap.servers" notice */
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (rk == NULL) {
        fprintf(stderr, "kafka-mock-host: rd_kafka_new: %s\n", errstr);
        return 1;
    }
    mcluster = rd_kafka_mock_cluster_new(rk, broker_count);
    if (mcluster == NULL) {
        fprintf(stderr, "kafka-mock-host: cannot create the mock cluster\n");
        return 1;
    }
    int repl = broker_count < 3 ? broker_count : 3;
    rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(mcluster, topic, (int)partitions, repl);
    if (err) {
        fprintf(stderr, "kafka-mock-host: create topic %s: %s\n", topic, rd_kafka_err2str(err));
        return 1;
    }
    reply_file = fopen(reply_path, "a");
    int ctl = open_ctl(ctl_path);
    if (reply_file == NULL || ctl < 0) {
        fprintf(stderr, "kafka-mock-host: control channel %s / %s: %s\n", ctl_path, reply_path,
                strerror(errno));
        return 1;
    }
    const char *bootstraps = rd_kafka_mock_cluster_bootstraps(mcluster);
    if (write_bootstraps(bootstrap_path, bootstraps) < 0) {
        fprintf(stderr, "kafka-mock-host: write %s: %s\n", bootstrap_path, strerror(errno));
        return 1;
    }
    fprintf(stderr, "kafka-mock-host: librdkafka %s, %d brokers at %s, topic %s (%ld partitions), "
                    "control fifo %s\n",
            rd_kafka_version_str(), broker_count, bootstraps, topic, partitions, ctl_path);

    char buf[4096];
    size_t used = 0;
    while (!stop_requested) {
        struct pollfd pfd = {.fd = ctl, .events = POLLIN};
        if (poll(&pfd, 1, 1000) <= 0)
            continue; /* timeout or EINTR: re-check stop_requested */
        ssize_t n = read(ctl, buf + used, sizeof buf - 1 - used);
        if (n <= 0)
            continue;
        used += (size_t)n;
        char *start = buf, *nl;
        while ((nl = memchr(start, '\n', used - (size_t)(start - buf))) != NULL) {
            *nl = '\0';
            handle_line(start);
            start = nl + 1;
        }
        used -= (size_t)(start - buf);
        memmove(buf, start, used);
        if (used == sizeof buf - 1) { /* an over-long line without newline: drop it */
            fprintf(stderr, "kafka-mock-host: dropping an over-long control line\n");
            used = 0;
        }
    }

    fprintf(stderr, "kafka-mock-host: stopping\n");
    close(ctl);
    unlink(ctl_path); /* writers then fail fast instead of blocking on a reader-less FIFO */
    unlink(bootstrap_path);
    fclose(reply_file);
    rd_kafka_mock_cluster_destroy(mcluster);
    rd_kafka_destroy(rk);
    return 0;
}
