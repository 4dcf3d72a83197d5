/*
 * A test double of wintun.dll (API version 0.14) for Linux and macOS, so that the Java binding in
 * org.netstack4j.tun.windows runs for real through FFM on a machine without Windows.
 *
 * It exports the Wintun functions with the same ABI shape (WCHAR is uint16_t, handles are pointers,
 * DWORD is uint32_t, BOOL is int) and reproduces the behaviour the binding depends on:
 *
 *  - two rings per session, each holding packets as a 4-byte size followed by the data, padded to
 *    4 bytes, written contiguously (a packet may run past the ring's end into a trailer, as in Wintun);
 *  - receive-ring space is reclaimed only up to the oldest packet the client has not released, so one
 *    held packet stalls the ring and the "driver" then drops what it cannot store;
 *  - the send ring fills when the driver does not drain it (ERROR_BUFFER_OVERFLOW), and packets leave
 *    in allocation order once sent;
 *  - errors are reported through the thread's last-error slot, which on POSIX is errno, so the Java
 *    side reads it with the same captured-call-state mechanism it uses for GetLastError on Windows;
 *  - ERROR_HANDLE_EOF once the adapter is terminated (FakeWintunTerminate).
 *
 * The "kernel" side of each adapter is a SOCK_SEQPACKET socket pair: two driver threads move packets
 * between the rings and one end; tests use the other end through the FakeWintunPeer* functions.
 *
 * The Windows-only waits (WaitForSingleObject, SetEvent) are exported as FakeWaitForSingleObject and
 * FakeSetEvent over an auto-reset event built on a mutex and a condition variable.
 *
 * Build: cc -shared -fPIC -pthread -o libfakewintun.so fake_wintun.c
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))

/* Win32 error codes the binding interprets. */
#define ERROR_FILE_NOT_FOUND 2u
#define ERROR_INVALID_HANDLE 6u
#define ERROR_NOT_ENOUGH_MEMORY 8u
#define ERROR_INVALID_DATA 13u
#define ERROR_HANDLE_EOF 38u
#define ERROR_INVALID_PARAMETER 87u
#define ERROR_BUFFER_OVERFLOW 111u
#define ERROR_ALREADY_EXISTS 183u
#define ERROR_NO_MORE_ITEMS 259u

#define WAIT_OBJECT_0 0u
#define WAIT_TIMEOUT 0x102u
#define WAIT_FAILED 0xFFFFFFFFu
#define INFINITE 0xFFFFFFFFu

#define MIN_RING_CAPACITY 0x20000u
#define MAX_RING_CAPACITY 0x4000000u
#define MAX_IP_PACKET_SIZE 0xFFFFu
#define MAX_ADAPTER_NAME 128
/* Set in a packet's size word once the client released (receive ring) or sent (send ring) it. */
#define PACKET_DONE 0x80000000u
#define ALIGN4(n) (((n) + 3u) & ~3u)
/* Room after the ring's end so that a packet starting near the end stays contiguous. */
#define RING_TRAILER (ALIGN4(4u + MAX_IP_PACKET_SIZE) + 4u)

typedef uint16_t WCHAR;
typedef void (*logger_fn)(int level, uint64_t timestamp, const WCHAR *message);

/* ---- last error ------------------------------------------------------------------------------ */

/* Must be the last thing a function does before returning: the caller captures errno right after. */
static void set_last_error(uint32_t code) {
    errno = (int) code;
}

/* ---- call log for ordering assertions ------------------------------------------------------- */

static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;
static char call_log[8192];

static void log_call(const char *fmt, ...) {
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&log_mu);
    size_t used = strlen(call_log);
    snprintf(call_log + used, sizeof call_log - used, "%s%s", used ? "\n" : "", line);
    pthread_mutex_unlock(&log_mu);
}

EXPORT void FakeWintunClearCallLog(void) {
    pthread_mutex_lock(&log_mu);
    call_log[0] = 0;
    pthread_mutex_unlock(&log_mu);
}

/* Copies the log (lines separated by '\n') into out; returns its length. */
EXPORT int FakeWintunCallLog(char *out, int capacity) {
    pthread_mutex_lock(&log_mu);
    int n = (int) strlen(call_log);
    if (n >= capacity) {
        n = capacity - 1;
    }
    memcpy(out, call_log, (size_t) n);
    out[n] = 0;
    pthread_mutex_unlock(&log_mu);
    return n;
}

/* ---- logger --------------------------------------------------------------------------------- */

static logger_fn logger;

static uint64_t filetime_now(void) {
    struct timeval tv;
    gettimeofday(&tv, NULL);
    /* 100-ns intervals since 1601-01-01, like Windows FILETIME. */
    return ((uint64_t) tv.tv_sec + 11644473600ull) * 10000000ull + (uint64_t) tv.tv_usec * 10u;
}

static void log_message(int level, const char *fmt, ...) {
    logger_fn fn = __atomic_load_n(&logger, __ATOMIC_ACQUIRE);
    if (!fn) {
        return;
    }
    char text[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    WCHAR wide[256];
    size_t i = 0;
    for (; text[i] && i < 255; i++) {
        wide[i] = (WCHAR) (unsigned char) text[i];
    }
    wide[i] = 0;
    fn(level, filetime_now(), wide);
}

EXPORT void WintunSetLogger(logger_fn fn) {
    __atomic_store_n(&logger, fn, __ATOMIC_RELEASE);
}

/* ---- auto-reset event ------------------------------------------------------------------------ */

typedef struct event {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int signaled;
    int waiters;   /* threads inside FakeWaitForSingleObject on this event */
    int wake_delay_ms; /* how long a woken waiter lingers before returning (widens close races) */
    int *inflight; /* the owning session's count of calls inside it */
} event;

static void event_init(event *e, int *inflight) {
    pthread_mutex_init(&e->mu, NULL);
    pthread_cond_init(&e->cv, NULL);
    e->signaled = 0;
    e->waiters = 0;
    e->inflight = inflight;
}

static void event_set(event *e) {
    pthread_mutex_lock(&e->mu);
    e->signaled = 1;
    pthread_cond_signal(&e->cv);
    pthread_mutex_unlock(&e->mu);
}

EXPORT uint32_t FakeWaitForSingleObject(void *handle, uint32_t millis) {
    event *e = handle;
    if (!e) {
        set_last_error(ERROR_INVALID_HANDLE);
        return WAIT_FAILED;
    }
    __atomic_add_fetch(e->inflight, 1, __ATOMIC_SEQ_CST);
    struct timespec deadline;
    if (millis != INFINITE) {
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_sec += millis / 1000u;
        deadline.tv_nsec += (long) (millis % 1000u) * 1000000L;
        if (deadline.tv_nsec >= 1000000000L) {
            deadline.tv_sec++;
            deadline.tv_nsec -= 1000000000L;
        }
    }
    uint32_t result = WAIT_OBJECT_0;
    pthread_mutex_lock(&e->mu);
    e->waiters++;
    while (!e->signaled) {
        if (millis == INFINITE) {
            pthread_cond_wait(&e->cv, &e->mu);
        } else if (pthread_cond_timedwait(&e->cv, &e->mu, &deadline) == ETIMEDOUT && !e->signaled) {
            result = WAIT_TIMEOUT;
            break;
        }
    }
    if (result == WAIT_OBJECT_0) {
        e->signaled = 0; /* auto-reset: one wait consumes one signal */
    }
    e->waiters--;
    int linger = e->wake_delay_ms;
    pthread_mutex_unlock(&e->mu);
    if (linger > 0) {
        usleep((useconds_t) linger * 1000u);
    }
    __atomic_sub_fetch(e->inflight, 1, __ATOMIC_SEQ_CST);
    return result;
}

EXPORT int FakeSetEvent(void *handle) {
    event *e = handle;
    if (!e) {
        set_last_error(ERROR_INVALID_HANDLE);
        return 0;
    }
    log_call("SetEvent");
    event_set(e);
    return 1;
}

/* ---- adapters and sessions ------------------------------------------------------------------- */

typedef struct session session;

typedef struct device {
    char name[MAX_ADAPTER_NAME * 3];
    char tunnel_type[MAX_ADAPTER_NAME * 3];
    uint8_t guid[16];
    int has_guid;
    uint64_t luid;
    int refs;    /* open handles */
    int listed;  /* findable by WintunOpenAdapter */
    int sock[2]; /* [0] driver side, [1] peer side */
    session *session;
    struct device *next;
} device;

typedef struct adapter {
    device *dev;
    int created;
} adapter;

struct session {
    device *dev;
    uint32_t capacity;
    int inflight;
    int stop;
    int eof;
    int wake[2];
    event read_event;

    /* receive ring: driver writes at rx_tail; client reads at rx_head; space is free up to rx_reclaim */
    pthread_mutex_t rx_mu;
    pthread_cond_t rx_cv;
    uint8_t *rx;
    uint32_t rx_tail, rx_head, rx_reclaim, rx_unreleased;
    uint64_t rx_processed, rx_dropped;

    /* send ring: client allocates at tx_alloc; packets up to tx_ready are sent; driver drained up to tx_drained */
    pthread_mutex_t tx_mu;
    pthread_cond_t tx_cv;
    uint8_t *tx;
    uint32_t tx_alloc, tx_ready, tx_drained, tx_unsent;
    int tx_paused;

    pthread_t rx_thread, tx_thread;
};

static pthread_mutex_t registry_mu = PTHREAD_MUTEX_INITIALIZER;
static device *devices;
static uint32_t next_luid_index = 1;

static void wide_to_utf8(const WCHAR *in, char *out, size_t capacity) {
    size_t o = 0;
    for (size_t i = 0; in[i] && o + 4 < capacity; i++) {
        uint32_t c = in[i];
        if (c >= 0xD800 && c <= 0xDBFF && in[i + 1] >= 0xDC00 && in[i + 1] <= 0xDFFF) {
            c = 0x10000 + ((c - 0xD800) << 10) + (in[i + 1] - 0xDC00);
            i++;
        }
        if (c < 0x80) {
            out[o++] = (char) c;
        } else if (c < 0x800) {
            out[o++] = (char) (0xC0 | (c >> 6));
            out[o++] = (char) (0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            out[o++] = (char) (0xE0 | (c >> 12));
            out[o++] = (char) (0x80 | ((c >> 6) & 0x3F));
            out[o++] = (char) (0x80 | (c & 0x3F));
        } else {
            out[o++] = (char) (0xF0 | (c >> 18));
            out[o++] = (char) (0x80 | ((c >> 12) & 0x3F));
            out[o++] = (char) (0x80 | ((c >> 6) & 0x3F));
            out[o++] = (char) (0x80 | (c & 0x3F));
        }
    }
    out[o] = 0;
}

static size_t wide_length(const WCHAR *s) {
    size_t n = 0;
    while (s[n]) {
        n++;
    }
    return n;
}

static device *find_device(const char *name) {
    for (device *d = devices; d; d = d->next) {
        if (d->listed && strcmp(d->name, name) == 0) {
            return d;
        }
    }
    return NULL;
}

EXPORT void *WintunCreateAdapter(const WCHAR *name, const WCHAR *tunnel_type, const uint8_t *guid) {
    if (!name || !tunnel_type || wide_length(name) == 0 || wide_length(name) >= MAX_ADAPTER_NAME
            || wide_length(tunnel_type) >= MAX_ADAPTER_NAME) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    device *d = calloc(1, sizeof *d);
    adapter *a = calloc(1, sizeof *a);
    if (!d || !a) {
        free(d);
        free(a);
        set_last_error(ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    wide_to_utf8(name, d->name, sizeof d->name);
    wide_to_utf8(tunnel_type, d->tunnel_type, sizeof d->tunnel_type);
    if (guid) {
        memcpy(d->guid, guid, 16);
        d->has_guid = 1;
    }
    if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, d->sock) != 0) {
        free(d);
        free(a);
        set_last_error(ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    pthread_mutex_lock(&registry_mu);
    if (find_device(d->name)) {
        pthread_mutex_unlock(&registry_mu);
        close(d->sock[0]);
        close(d->sock[1]);
        free(d);
        free(a);
        set_last_error(ERROR_ALREADY_EXISTS);
        return NULL;
    }
    /* IF_TYPE_PROP_VIRTUAL (53) in the top 16 bits, the index in the 24 bits below them. */
    d->luid = (53ull << 48) | ((uint64_t) (next_luid_index++ & 0xFFFFFFu) << 24);
    d->refs = 1;
    d->listed = 1;
    d->next = devices;
    devices = d;
    pthread_mutex_unlock(&registry_mu);
    a->dev = d;
    a->created = 1;
    log_call("CreateAdapter %s", d->name);
    log_message(0, "Created adapter %s", d->name);
    return a;
}

EXPORT void *WintunOpenAdapter(const WCHAR *name) {
    if (!name) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    char utf8[MAX_ADAPTER_NAME * 3];
    wide_to_utf8(name, utf8, sizeof utf8);
    adapter *a = calloc(1, sizeof *a);
    if (!a) {
        set_last_error(ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    pthread_mutex_lock(&registry_mu);
    device *d = find_device(utf8);
    if (d) {
        d->refs++;
    }
    pthread_mutex_unlock(&registry_mu);
    if (!d) {
        free(a);
        set_last_error(ERROR_FILE_NOT_FOUND);
        return NULL;
    }
    a->dev = d;
    log_call("OpenAdapter %s", d->name);
    return a;
}

EXPORT void WintunCloseAdapter(void *handle) {
    adapter *a = handle;
    if (!a) {
        return;
    }
    device *d = a->dev;
    log_call("CloseAdapter %s session=%s", d->name, d->session ? "active" : "none");
    log_message(0, "Closed adapter %s", d->name);
    pthread_mutex_lock(&registry_mu);
    if (a->created) {
        d->listed = 0; /* closing the creating handle removes the adapter, as in Wintun 0.14 */
    }
    int last = --d->refs == 0;
    if (last) {
        for (device **p = &devices; *p; p = &(*p)->next) {
            if (*p == d) {
                *p = d->next;
                break;
            }
        }
    }
    pthread_mutex_unlock(&registry_mu);
    if (last) {
        close(d->sock[0]);
        close(d->sock[1]);
        free(d);
    }
    free(a);
}

EXPORT int WintunDeleteDriver(void) {
    return 1;
}

EXPORT void WintunGetAdapterLUID(void *handle, uint64_t *luid) {
    adapter *a = handle;
    *luid = a->dev->luid;
}

EXPORT uint32_t WintunGetRunningDriverVersion(void) {
    return (0u << 16) | 14u; /* major in the high word, minor in the low word: 0.14 */
}

/* ---- rings ----------------------------------------------------------------------------------- */

static uint32_t ring_free(uint32_t release_edge, uint32_t write_pos, uint32_t capacity) {
    /* One alignment unit stays empty so that a full ring is distinguishable from an empty one. */
    return (release_edge - write_pos - 4u) & (capacity - 1u);
}

static void *rx_driver(void *arg) {
    session *s = arg;
    uint8_t *packet = malloc(MAX_IP_PACKET_SIZE + 1);
    struct pollfd fds[2] = {{s->dev->sock[0], POLLIN, 0}, {s->wake[0], POLLIN, 0}};
    for (;;) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            break;
        }
        if (fds[1].revents) {
            break;
        }
        ssize_t n = recv(s->dev->sock[0], packet, MAX_IP_PACKET_SIZE + 1, MSG_DONTWAIT);
        if (n < 0) {
            continue;
        }
        int stored = 0;
        pthread_mutex_lock(&s->rx_mu);
        uint32_t need = ALIGN4(4u + (uint32_t) n);
        if (!s->eof && (uint32_t) n <= MAX_IP_PACKET_SIZE
                && need <= ring_free(s->rx_reclaim, s->rx_tail, s->capacity)) {
            uint8_t *slot = s->rx + s->rx_tail;
            uint32_t size = (uint32_t) n;
            memcpy(slot + 4, packet, (size_t) n);
            memcpy(slot, &size, 4);
            s->rx_tail = (s->rx_tail + need) & (s->capacity - 1u);
            stored = 1;
        } else {
            s->rx_dropped++; /* the real driver drops what does not fit, too */
        }
        s->rx_processed++;
        pthread_cond_broadcast(&s->rx_cv);
        pthread_mutex_unlock(&s->rx_mu);
        if (stored) {
            event_set(&s->read_event);
        }
    }
    free(packet);
    return NULL;
}

static void *tx_driver(void *arg) {
    session *s = arg;
    uint8_t *packet = malloc(MAX_IP_PACKET_SIZE);
    pthread_mutex_lock(&s->tx_mu);
    for (;;) {
        while (!s->stop && (s->tx_paused || s->tx_drained == s->tx_ready)) {
            pthread_cond_wait(&s->tx_cv, &s->tx_mu);
        }
        if (s->stop) {
            break;
        }
        uint32_t size;
        memcpy(&size, s->tx + s->tx_drained, 4);
        size &= ~PACKET_DONE;
        memcpy(packet, s->tx + s->tx_drained + 4, size);
        uint32_t need = ALIGN4(4u + size);
        pthread_mutex_unlock(&s->tx_mu);
        struct pollfd fds[2] = {{s->dev->sock[0], POLLOUT, 0}, {s->wake[0], POLLIN, 0}};
        int stopping = 0;
        for (;;) {
            if (send(s->dev->sock[0], packet, size, MSG_DONTWAIT) >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
                break;
            }
            if (poll(fds, 2, -1) > 0 && fds[1].revents) {
                stopping = 1;
                break;
            }
        }
        pthread_mutex_lock(&s->tx_mu);
        if (stopping) {
            break;
        }
        s->tx_drained = (s->tx_drained + need) & (s->capacity - 1u);
    }
    pthread_mutex_unlock(&s->tx_mu);
    free(packet);
    return NULL;
}

EXPORT void *WintunStartSession(void *handle, uint32_t capacity) {
    adapter *a = handle;
    if (!a) {
        set_last_error(ERROR_INVALID_HANDLE);
        return NULL;
    }
    if (capacity < MIN_RING_CAPACITY || capacity > MAX_RING_CAPACITY || (capacity & (capacity - 1u))) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    device *d = a->dev;
    pthread_mutex_lock(&registry_mu);
    if (d->session) {
        pthread_mutex_unlock(&registry_mu);
        set_last_error(ERROR_ALREADY_EXISTS);
        return NULL;
    }
    session *s = calloc(1, sizeof *s);
    if (s) {
        s->rx = calloc(1, (size_t) capacity + RING_TRAILER);
        s->tx = calloc(1, (size_t) capacity + RING_TRAILER);
    }
    if (!s || !s->rx || !s->tx || pipe(s->wake) != 0) {
        if (s) {
            free(s->rx);
            free(s->tx);
        }
        free(s);
        pthread_mutex_unlock(&registry_mu);
        set_last_error(ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    s->dev = d;
    s->capacity = capacity;
    event_init(&s->read_event, &s->inflight);
    pthread_mutex_init(&s->rx_mu, NULL);
    pthread_cond_init(&s->rx_cv, NULL);
    pthread_mutex_init(&s->tx_mu, NULL);
    pthread_cond_init(&s->tx_cv, NULL);
    d->session = s;
    pthread_mutex_unlock(&registry_mu);
    pthread_create(&s->rx_thread, NULL, rx_driver, s);
    pthread_create(&s->tx_thread, NULL, tx_driver, s);
    log_call("StartSession %s capacity=%u", d->name, capacity);
    return s;
}

EXPORT void WintunEndSession(void *handle) {
    session *s = handle;
    if (!s) {
        return;
    }
    /* Wintun frees the rings and the event here: a call still inside the session is a use-after-free. */
    log_call("EndSession %s inflight=%d", s->dev->name, __atomic_load_n(&s->inflight, __ATOMIC_SEQ_CST));
    pthread_mutex_lock(&s->tx_mu);
    s->stop = 1;
    pthread_cond_broadcast(&s->tx_cv);
    pthread_mutex_unlock(&s->tx_mu);
    char b = 1;
    ssize_t ignored = write(s->wake[1], &b, 1);
    (void) ignored;
    pthread_join(s->rx_thread, NULL);
    pthread_join(s->tx_thread, NULL);
    pthread_mutex_lock(&registry_mu);
    s->dev->session = NULL;
    pthread_mutex_unlock(&registry_mu);
    close(s->wake[0]);
    close(s->wake[1]);
    free(s->rx);
    free(s->tx);
    free(s);
}

EXPORT void *WintunGetReadWaitEvent(void *handle) {
    session *s = handle;
    return &s->read_event;
}

EXPORT uint8_t *WintunReceivePacket(void *handle, uint32_t *packet_size) {
    session *s = handle;
    __atomic_add_fetch(&s->inflight, 1, __ATOMIC_SEQ_CST);
    uint32_t error = 0;
    uint8_t *packet = NULL;
    pthread_mutex_lock(&s->rx_mu);
    if (s->eof) {
        error = ERROR_HANDLE_EOF;
    } else if (s->rx_head == s->rx_tail) {
        error = ERROR_NO_MORE_ITEMS;
    } else {
        uint32_t content = (s->rx_tail - s->rx_head) & (s->capacity - 1u);
        uint32_t size;
        memcpy(&size, s->rx + s->rx_head, 4);
        if (content < 4u || size > MAX_IP_PACKET_SIZE || ALIGN4(4u + size) > content) {
            error = ERROR_INVALID_DATA;
        } else {
            *packet_size = size;
            packet = s->rx + s->rx_head + 4;
            s->rx_head = (s->rx_head + ALIGN4(4u + size)) & (s->capacity - 1u);
            s->rx_unreleased++;
        }
    }
    pthread_mutex_unlock(&s->rx_mu);
    __atomic_sub_fetch(&s->inflight, 1, __ATOMIC_SEQ_CST);
    if (!packet) {
        set_last_error(error);
    }
    return packet;
}

EXPORT void WintunReleaseReceivePacket(void *handle, const uint8_t *packet) {
    session *s = handle;
    __atomic_add_fetch(&s->inflight, 1, __ATOMIC_SEQ_CST);
    pthread_mutex_lock(&s->rx_mu);
    uint32_t size;
    memcpy(&size, packet - 4, 4);
    size |= PACKET_DONE;
    memcpy((uint8_t *) packet - 4, &size, 4);
    /* Reclaim from the oldest packet forward, stopping at the first one still held. */
    while (s->rx_unreleased) {
        memcpy(&size, s->rx + s->rx_reclaim, 4);
        if (!(size & PACKET_DONE)) {
            break;
        }
        s->rx_reclaim = (s->rx_reclaim + ALIGN4(4u + (size & ~PACKET_DONE))) & (s->capacity - 1u);
        s->rx_unreleased--;
    }
    pthread_mutex_unlock(&s->rx_mu);
    __atomic_sub_fetch(&s->inflight, 1, __ATOMIC_SEQ_CST);
}

EXPORT uint8_t *WintunAllocateSendPacket(void *handle, uint32_t packet_size) {
    session *s = handle;
    __atomic_add_fetch(&s->inflight, 1, __ATOMIC_SEQ_CST);
    uint32_t error = 0;
    uint8_t *packet = NULL;
    pthread_mutex_lock(&s->tx_mu);
    uint32_t need = ALIGN4(4u + packet_size);
    if (s->eof) {
        error = ERROR_HANDLE_EOF;
    } else if (packet_size > MAX_IP_PACKET_SIZE) {
        error = ERROR_INVALID_PARAMETER;
    } else if (need > ring_free(s->tx_drained, s->tx_alloc, s->capacity)) {
        error = ERROR_BUFFER_OVERFLOW;
    } else {
        memcpy(s->tx + s->tx_alloc, &packet_size, 4);
        packet = s->tx + s->tx_alloc + 4;
        s->tx_alloc = (s->tx_alloc + need) & (s->capacity - 1u);
        s->tx_unsent++;
    }
    pthread_mutex_unlock(&s->tx_mu);
    __atomic_sub_fetch(&s->inflight, 1, __ATOMIC_SEQ_CST);
    if (!packet) {
        set_last_error(error);
    }
    return packet;
}

EXPORT void WintunSendPacket(void *handle, const uint8_t *packet) {
    session *s = handle;
    __atomic_add_fetch(&s->inflight, 1, __ATOMIC_SEQ_CST);
    pthread_mutex_lock(&s->tx_mu);
    uint32_t size;
    memcpy(&size, packet - 4, 4);
    size |= PACKET_DONE;
    memcpy((uint8_t *) packet - 4, &size, 4);
    /* Packets leave in allocation order: publish only the run of sent packets at the front. */
    while (s->tx_unsent) {
        memcpy(&size, s->tx + s->tx_ready, 4);
        if (!(size & PACKET_DONE)) {
            break;
        }
        s->tx_ready = (s->tx_ready + ALIGN4(4u + (size & ~PACKET_DONE))) & (s->capacity - 1u);
        s->tx_unsent--;
    }
    pthread_cond_broadcast(&s->tx_cv);
    pthread_mutex_unlock(&s->tx_mu);
    __atomic_sub_fetch(&s->inflight, 1, __ATOMIC_SEQ_CST);
}

/* ---- test controls ---------------------------------------------------------------------------- */

static session *session_of(void *handle) {
    adapter *a = handle;
    return a ? a->dev->session : NULL;
}

/* Simulates the adapter going away under a live session (disabled, removed, driver unloading). */
EXPORT void FakeWintunTerminate(void *handle) {
    session *s = session_of(handle);
    if (!s) {
        return;
    }
    pthread_mutex_lock(&s->rx_mu);
    s->eof = 1;
    pthread_mutex_unlock(&s->rx_mu);
    pthread_mutex_lock(&s->tx_mu);
    s->eof = 1;
    pthread_cond_broadcast(&s->tx_cv);
    pthread_mutex_unlock(&s->tx_mu);
    event_set(&s->read_event);
}

/* Overwrites the size word of the next unread packet with an impossible size, as a corrupted ring would
   show it; returns 0 when the ring is empty. */
EXPORT int FakeWintunCorruptNextPacket(void *handle) {
    session *s = session_of(handle);
    pthread_mutex_lock(&s->rx_mu);
    int any = s->rx_head != s->rx_tail;
    if (any) {
        uint32_t bad = MAX_IP_PACKET_SIZE + 1u;
        memcpy(s->rx + s->rx_head, &bad, 4);
    }
    pthread_mutex_unlock(&s->rx_mu);
    return any;
}

/* Stops (1) or resumes (0) the driver draining the send ring. */
EXPORT void FakeWintunSetSendPaused(void *handle, int paused) {
    session *s = session_of(handle);
    pthread_mutex_lock(&s->tx_mu);
    s->tx_paused = paused;
    pthread_cond_broadcast(&s->tx_cv);
    pthread_mutex_unlock(&s->tx_mu);
}

/* Waits until the driver has taken `count` packets from the peer socket (stored or dropped). */
EXPORT int FakeWintunWaitProcessed(void *handle, uint64_t count, int timeout_ms) {
    session *s = session_of(handle);
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (long) (timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&s->rx_mu);
    while (s->rx_processed < count) {
        if (pthread_cond_timedwait(&s->rx_cv, &s->rx_mu, &deadline) == ETIMEDOUT) {
            break;
        }
    }
    int reached = s->rx_processed >= count;
    pthread_mutex_unlock(&s->rx_mu);
    return reached;
}

/* Packets the driver dropped because the receive ring had no room. */
EXPORT uint64_t FakeWintunReceiveDrops(void *handle) {
    session *s = session_of(handle);
    pthread_mutex_lock(&s->rx_mu);
    uint64_t n = s->rx_dropped;
    pthread_mutex_unlock(&s->rx_mu);
    return n;
}

/* Makes a reader woken from the read event take `ms` before it returns, so a close that does not wait
   for it ends the session under it, visibly (EndSession logs inflight=1). */
EXPORT void FakeWintunSetWakeDelay(void *handle, int ms) {
    session *s = session_of(handle);
    pthread_mutex_lock(&s->read_event.mu);
    s->read_event.wake_delay_ms = ms;
    pthread_mutex_unlock(&s->read_event.mu);
}

/* Threads currently blocked in FakeWaitForSingleObject on the session's read event. */
EXPORT int FakeWintunWaiters(void *handle) {
    session *s = session_of(handle);
    if (!s) {
        return 0;
    }
    pthread_mutex_lock(&s->read_event.mu);
    int n = s->read_event.waiters;
    pthread_mutex_unlock(&s->read_event.mu);
    return n;
}

EXPORT uint32_t FakeWintunSessionCapacity(void *handle) {
    session *s = session_of(handle);
    return s ? s->capacity : 0;
}

/* Copies the GUID bytes exactly as WintunCreateAdapter received them; returns 0 when none was given. */
EXPORT int FakeWintunRequestedGuid(void *handle, uint8_t *out) {
    adapter *a = handle;
    memcpy(out, a->dev->guid, 16);
    return a->dev->has_guid;
}

EXPORT int FakeWintunTunnelType(void *handle, char *out, int capacity) {
    adapter *a = handle;
    snprintf(out, (size_t) capacity, "%s", a->dev->tunnel_type);
    return (int) strlen(out);
}

/* Sends one packet into the adapter as the operating system would. Returns 0, or -1 with errno. */
EXPORT int FakeWintunPeerSend(void *handle, const uint8_t *data, uint32_t length) {
    adapter *a = handle;
    return send(a->dev->sock[1], data, length, 0) == (ssize_t) length ? 0 : -1;
}

/* Receives one packet the client sent; returns its length, -2 on timeout, -1 on error. */
EXPORT int FakeWintunPeerReceive(void *handle, uint8_t *out, uint32_t capacity, int timeout_ms) {
    adapter *a = handle;
    struct pollfd fd = {a->dev->sock[1], POLLIN, 0};
    int r = poll(&fd, 1, timeout_ms);
    if (r == 0) {
        return -2;
    }
    if (r < 0) {
        return -1;
    }
    return (int) recv(a->dev->sock[1], out, capacity, MSG_DONTWAIT);
}
