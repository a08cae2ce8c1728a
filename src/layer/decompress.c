/* The decompressing, hashing stream under the tar reader: sniffs gzip, zstd
 * or plain tar, hashes the blob and the tar, and stops bombs early. */
#include <isa-l/igzip_lib.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "layer/layer_internal.h"
#include "util/bigbuf.h"
#include "util/error.h"
#include "util/limits.h"

/* Big chunks keep per-call overhead (blob reads, libarchive callbacks, hash
 * updates) negligible next to inflate itself. */
#define IN_CHUNK   (256u << 10)
#define SLOT_BYTES (1u << 20)
/* Decompression runs a few slots ahead of the tar walk in its own thread;
 * the sha256 of the tar (half of what inflate costs) is done slot by slot,
 * in order, by whichever of the two threads is free: the producer when the
 * ring is full (the walk is the slow side: many small files), else the walk
 * as it takes each slot (inflate is the slow side: few big files). */
#define N_SLOTS 4
/* Compressed input read ahead by the reader thread. */
#define N_IN_SLOTS 4
/* Reading ahead stops while the blob expands more than this: a bomb then
 * costs the source no more than it did without a reader thread (one chunk
 * at a time, on demand). Real layers expand 2 to 20 times. */
#define READ_AHEAD_MAX_RATIO 100
/* The first read only needs the magic; small, so that a bomb's head does
 * not bring a whole chunk before the ratio is known. */
#define SNIFF_BYTES 4096u
/* Small blobs (most layers of most images, and every fuzz input) get small
 * buffers: a fresh megabyte costs more in page faults than it saves. */
#define SMALL_BLOB  (1u << 20)
#define SMALL_CHUNK (64u << 10)
/* Medium blobs (a small base image's layer) get quarter-size slots: their
 * rings fit one huge page instead of three, and fresh memory is dear. */
#define MEDIUM_BLOB (16u << 20)
#define MEDIUM_SLOT (256u << 10)

enum codec { CODEC_PLAIN, CODEC_GZIP, CODEC_ZSTD };

struct layer_stream {
	struct blob *blob;
	enum codec codec;
	struct sha256 *blob_hash, *tar_hash;
	bool blob_verified;    /* the blob checks its own digest: blob_hash stays unused */
	const uint8_t *in;     /* an input slot, or carry when bytes had to be joined */
	size_t in_pos, in_len; /* unread input is in[in_pos..in_len) */
	size_t in_chunk, slot_bytes;
	bool in_eof;
	uint8_t *carry; /* the sniffed head, and short leftovers joined to the next slot */
	size_t carry_cap;
	uint64_t compressed, uncompressed; /* producer's counts */
	/* gzip */
	struct inflate_state *gz;
	bool gz_member_open; /* inside a member: the end of input now is truncation */
	bool gz_trailer;     /* after the last member: only zero padding may follow */
	/* zstd */
	ZSTD_DStream *zs;
	size_t zs_hint; /* last ZSTD_decompressStream return: 0 between frames */

	/* Compressed blobs: a reader thread reads and hashes the blob into the
	 * input ring while the producer inflates, so that read syscalls and the
	 * blob's sha256 run on whichever core is free. Same locking as below. */
	pthread_t reader;
	bool reader_started;
	pthread_cond_t cv_in_full, cv_in_free;
	uint8_t *in_slot[N_IN_SLOTS];
	size_t in_slot_len[N_IN_SLOTS];
	size_t in_head, in_count; /* count includes a held one */
	bool in_held;             /* the producer still reads in_slot[in_head] */
	bool rd_done;
	bool rd_waits_ratio; /* the reader waits for the expansion ratio, not for room */
	uint64_t pub_compressed, pub_uncompressed; /* the producer's counts at its last take */
	int rd_rc;
	customs_error rd_err;

	/* The ring between the producer thread and the tar walk. */
	pthread_t thread;
	bool thread_started, sync_init;
	pthread_mutex_t mu;
	pthread_cond_t cv_full, cv_free;
	uint8_t *slot[N_SLOTS];
	size_t slot_len[N_SLOTS];
	size_t head, count; /* filled slots start at head; count includes a held one */
	uint64_t head_seq;  /* the running number of slot[head] */
	uint64_t hash_seq;  /* the running number of the next slot for tar_hash */
	bool hashing;       /* a thread is hashing slot hash_seq, outside mu */
	bool held;          /* the consumer still reads slot[head] */
	bool prod_done, cancel;
	int prod_rc;
	customs_error prod_err;
	bool done; /* consumer saw the end */

	/* Big blobs: every slot of both rings in one huge-page-backed region
	 * (small blobs malloc each slot: the fuzzers' red zones stay exact). */
	uint8_t *region;
	size_t region_size;
};

void layer_stream_free(struct layer_stream *s)
{
	if (!s)
		return;
	if (s->sync_init) {
		pthread_mutex_lock(&s->mu);
		s->cancel = true;
		pthread_cond_broadcast(&s->cv_free);
		pthread_cond_broadcast(&s->cv_in_free);
		pthread_cond_broadcast(&s->cv_in_full);
		pthread_mutex_unlock(&s->mu);
		if (s->thread_started)
			pthread_join(s->thread, NULL);
		if (s->reader_started)
			pthread_join(s->reader, NULL);
		pthread_mutex_destroy(&s->mu);
		pthread_cond_destroy(&s->cv_full);
		pthread_cond_destroy(&s->cv_free);
		pthread_cond_destroy(&s->cv_in_full);
		pthread_cond_destroy(&s->cv_in_free);
	}
	if (s->region) {
		bigbuf_free(s->region, s->region_size);
	} else {
		for (size_t i = 0; i < N_SLOTS; i++)
			free(s->slot[i]);
		for (size_t i = 0; i < N_IN_SLOTS; i++)
			free(s->in_slot[i]);
	}
	free(s->carry);
	sha256_free(s->blob_hash);
	sha256_free(s->tar_hash);
	free(s->gz);
	ZSTD_freeDStream(s->zs);
	free(s);
}

/* Whether the reader may read ahead of the producer's demand (under mu). */
static bool ratio_ok(const struct layer_stream *s)
{
	return s->pub_uncompressed > 0 &&
	       s->pub_uncompressed / READ_AHEAD_MAX_RATIO <= s->pub_compressed;
}

static void *reader(void *arg)
{
	struct layer_stream *s = arg;
	customs_error e = {0};
	ssize_t n = 1;
	while (n > 0) {
		pthread_mutex_lock(&s->mu);
		/* A full ring is refilled once half of it is free: two reads per
		 * wake-up, and a wake-up costs more than a read here. */
		size_t most = s->in_count == N_IN_SLOTS ? N_IN_SLOTS / 2 : N_IN_SLOTS - 1;
		while (!s->cancel && s->in_count > 0 && (s->in_count > most || !ratio_ok(s))) {
			s->rd_waits_ratio = s->in_count <= most;
			pthread_cond_wait(&s->cv_in_free, &s->mu);
		}
		s->rd_waits_ratio = false;
		bool cancel = s->cancel;
		size_t idx = (s->in_head + s->in_count) % N_IN_SLOTS;
		pthread_mutex_unlock(&s->mu);
		if (cancel)
			break;
		/* Fill the slot: fewer, fuller hand-overs. */
		size_t len = 0;
		while (len < s->in_chunk) {
			n = s->blob->read(s->blob, s->in_slot[idx] + len, s->in_chunk - len, &e);
			if (n <= 0)
				break;
			if (!s->blob_verified)
				sha256_update(s->blob_hash, s->in_slot[idx] + len, (size_t)n);
			len += (size_t)n;
		}
		pthread_mutex_lock(&s->mu);
		if (len > 0) {
			s->in_slot_len[idx] = len;
			s->in_count++;
		}
		if (n <= 0) {
			s->rd_done = true;
			s->rd_rc = (int)n;
			s->rd_err = e;
		}
		pthread_cond_signal(&s->cv_in_full);
		pthread_mutex_unlock(&s->mu);
	}
	return NULL;
}

/* Hands the held input slot back to the reader. */
static void in_release(struct layer_stream *s)
{
	if (!s->in_held)
		return;
	pthread_mutex_lock(&s->mu);
	s->in_head = (s->in_head + 1) % N_IN_SLOTS;
	s->in_count--;
	s->in_held = false;
	if (s->in_count <= N_IN_SLOTS / 2 || s->rd_waits_ratio)
		pthread_cond_signal(&s->cv_in_free);
	pthread_mutex_unlock(&s->mu);
}

/* The next input slot, held until in_release: 1, 0 at the end, or a code. */
static int in_next(struct layer_stream *s, const uint8_t **p, size_t *n, customs_error *err)
{
	int rc;
	pthread_mutex_lock(&s->mu);
	s->pub_compressed = s->compressed;
	s->pub_uncompressed = s->uncompressed;
	if (s->rd_waits_ratio)
		pthread_cond_signal(&s->cv_in_free);
	while (s->in_count == 0 && !s->rd_done && !s->cancel)
		pthread_cond_wait(&s->cv_in_full, &s->mu);
	if (s->in_count > 0) {
		s->in_held = true;
		*p = s->in_slot[s->in_head];
		*n = s->in_slot_len[s->in_head];
		rc = 1;
	} else if (s->rd_done) {
		rc = s->rd_rc;
		if (rc < 0)
			err_copy(err, &s->rd_err);
	} else {
		rc = err_set(err, CUSTOMS_EIO, "layer read cancelled");
	}
	pthread_mutex_unlock(&s->mu);
	return rc;
}

static int ensure_carry(struct layer_stream *s, size_t need, customs_error *err)
{
	if (need <= s->carry_cap)
		return 0;
	uint8_t *p = realloc(s->carry, need);
	if (!p)
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	s->carry = p;
	s->carry_cap = need;
	return 0;
}

/* Small blobs: one read into carry, here, after the unread bytes. */
static int fill_direct(struct layer_stream *s, size_t left, customs_error *err)
{
	size_t cap;
	int rc;
	if (__builtin_add_overflow(left, s->in_chunk, &cap))
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	if ((rc = ensure_carry(s, cap, err)) < 0)
		return rc;
	memmove(s->carry, s->in + s->in_pos, left);
	s->in = s->carry;
	s->in_pos = 0;
	s->in_len = left;
	ssize_t n = s->blob->read(s->blob, s->carry + left, s->in_chunk, err);
	if (n < 0)
		return (int)n;
	if (n == 0) {
		s->in_eof = true;
		return 0;
	}
	if (!s->blob_verified)
		sha256_update(s->blob_hash, s->carry + left, (size_t)n);
	s->in_len += (size_t)n;
	s->compressed += (uint64_t)n;
	return 0;
}

/* Moves to the next input slot; keeps unread bytes (at most a few: callers
 * refill when they are out of input or need a 2- or 4-byte magic), joining
 * them with the new slot in carry. Returns 0, or a code. */
static int fill(struct layer_stream *s, customs_error *err)
{
	size_t left = s->in_len - s->in_pos, n = 0, need;
	const uint8_t *p = NULL;
	int rc;
	if (s->in_eof)
		return 0;
	if (!s->reader_started)
		return fill_direct(s, left, err);
	if (left) {
		if ((rc = ensure_carry(s, left, err)) < 0)
			return rc;
		memmove(s->carry, s->in + s->in_pos, left);
	}
	in_release(s);
	s->in = s->carry;
	s->in_pos = 0;
	s->in_len = left;
	if ((rc = in_next(s, &p, &n, err)) < 0)
		return rc;
	if (rc == 0) {
		s->in_eof = true;
		return 0;
	}
	s->compressed += n;
	if (!left) {
		s->in = p;
		s->in_len = n;
		return 0;
	}
	if (__builtin_add_overflow(left, n, &need))
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	if ((rc = ensure_carry(s, need, err)) < 0)
		return rc;
	memcpy(s->carry + left, p, n);
	s->in = s->carry;
	s->in_len = need;
	in_release(s);
	return 0;
}

/* The first bytes, read here so that a short first read does not make us
 * misjudge the format; they stay in carry for the codec. */
static int sniff(struct layer_stream *s, customs_error *err)
{
	int rc;
	if ((rc = ensure_carry(s, SNIFF_BYTES, err)) < 0)
		return rc;
	s->in = s->carry;
	while (!s->in_eof && s->in_len < 4) {
		ssize_t n =
		    s->blob->read(s->blob, s->carry + s->in_len, SNIFF_BYTES - s->in_len, err);
		if (n < 0)
			return (int)n;
		if (n == 0) {
			s->in_eof = true;
			break;
		}
		if (!s->blob_verified)
			sha256_update(s->blob_hash, s->carry + s->in_len, (size_t)n);
		s->in_len += (size_t)n;
		s->compressed += (uint64_t)n;
	}
	return 0;
}

static void *producer(void *arg);

static int alloc_rings(struct layer_stream *s, bool small, bool in_ring, customs_error *err)
{
	size_t ring = N_SLOTS * s->slot_bytes;
	if (!small) {
		s->region_size = ring + (in_ring ? N_IN_SLOTS * s->in_chunk : 0);
		if (!(s->region = bigbuf_alloc(s->region_size)))
			return err_set(err, CUSTOMS_ENOMEM, "out of memory");
		for (size_t i = 0; i < N_SLOTS; i++)
			s->slot[i] = s->region + i * s->slot_bytes;
		for (size_t i = 0; in_ring && i < N_IN_SLOTS; i++)
			s->in_slot[i] = s->region + ring + i * s->in_chunk;
		return 0;
	}
	for (size_t i = 0; i < N_SLOTS; i++)
		if (!(s->slot[i] = malloc(s->slot_bytes)))
			return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	for (size_t i = 0; in_ring && i < N_IN_SLOTS; i++)
		if (!(s->in_slot[i] = malloc(s->in_chunk)))
			return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	return 0;
}

int layer_stream_open(struct layer_stream **out, struct blob *blob, customs_error *err)
{
	int rc = 0;
	struct layer_stream *s = calloc(1, sizeof(*s));
	if (!s)
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	s->blob = blob;
	/* A registry blob already hashes what it hands out, and fails at its end
	 * on a mismatch: hashing the same bytes again would only cost a core. */
	s->blob_verified = digest_is_valid_sha256(blob->verified_digest);
	bool small = blob->size >= 0 && blob->size < SMALL_BLOB;
	bool medium = blob->size >= 0 && blob->size < MEDIUM_BLOB;
	s->in_chunk = medium ? SMALL_CHUNK : IN_CHUNK;
	s->slot_bytes = small ? SMALL_CHUNK : medium ? MEDIUM_SLOT : SLOT_BYTES;
	s->blob_hash = sha256_new();
	s->tar_hash = sha256_new();
	if (!s->blob_hash || !s->tar_hash) {
		rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = sniff(s, err)) < 0)
		goto out;
	if (s->in_len >= 2 && s->in[0] == 0x1f && s->in[1] == 0x8b) {
		s->codec = CODEC_GZIP;
		s->gz = malloc(sizeof(*s->gz));
		if (!s->gz) {
			rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
			goto out;
		}
		isal_inflate_init(s->gz);
		s->gz->crc_flag = ISAL_GZIP;
		s->gz_member_open = true;
	} else if (s->in_len >= 4 && s->in[0] == 0x28 && s->in[1] == 0xb5 && s->in[2] == 0x2f &&
	           s->in[3] == 0xfd) {
		s->codec = CODEC_ZSTD;
		s->zs = ZSTD_createDStream();
		if (!s->zs) {
			rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
			goto out;
		}
		/* The default window cap (128 MiB) bounds memory; a layer made with
		 * --long=31 is refused instead of taking 2 GiB. */
		ZSTD_initDStream(s->zs);
		s->zs_hint = 1;
	} else {
		s->codec = CODEC_PLAIN;
	}
	/* Plain tar is read straight into the tar ring: a reader thread would
	 * only add a copy. Small blobs are read by the producer itself: a third
	 * thread costs more than it saves there (and fuzzing would crawl). */
	bool in_ring = s->codec != CODEC_PLAIN && !small && !s->in_eof;
	if ((rc = alloc_rings(s, small, in_ring, err)) < 0)
		goto out;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv_full, NULL);
	pthread_cond_init(&s->cv_free, NULL);
	pthread_cond_init(&s->cv_in_full, NULL);
	pthread_cond_init(&s->cv_in_free, NULL);
	s->sync_init = true;
	if (s->in_slot[0]) {
		if (pthread_create(&s->reader, NULL, reader, s) != 0) {
			rc = err_set(err, CUSTOMS_ENOMEM, "cannot start the blob reader thread");
			goto out;
		}
		s->reader_started = true;
	}
	if (pthread_create(&s->thread, NULL, producer, s) != 0) {
		rc = err_set(err, CUSTOMS_ENOMEM, "cannot start the decompression thread");
		goto out;
	}
	s->thread_started = true;
out:
	if (rc < 0) {
		layer_stream_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

static int check_limits(struct layer_stream *s, customs_error *err)
{
	if (s->uncompressed > LIMIT_LAYER_UNCOMPRESSED_BYTES)
		return err_set(err, CUSTOMS_ETOOLARGE, "layer decompresses to more than %llu bytes",
		               (unsigned long long)LIMIT_LAYER_UNCOMPRESSED_BYTES);
	if (s->codec != CODEC_PLAIN && s->uncompressed > LIMIT_BOMB_MIN_BYTES &&
	    s->uncompressed / LIMIT_BOMB_RATIO > s->compressed)
		return err_set(err, CUSTOMS_ETOOLARGE,
		               "decompression bomb: %llu compressed bytes expand to more than %llu "
		               "(ratio over %llu)",
		               (unsigned long long)s->compressed,
		               (unsigned long long)s->uncompressed,
		               (unsigned long long)LIMIT_BOMB_RATIO);
	return 0;
}

static const char *isal_strerror(int rc)
{
	switch (rc) {
	case ISAL_INVALID_BLOCK:
		return "invalid deflate block";
	case ISAL_INVALID_SYMBOL:
		return "invalid deflate symbol";
	case ISAL_INVALID_LOOKBACK:
		return "invalid lookback distance";
	case ISAL_INVALID_WRAPPER:
		return "invalid gzip header or trailer";
	case ISAL_UNSUPPORTED_METHOD:
		return "unsupported compression method";
	case ISAL_INCORRECT_CHECKSUM:
		return "CRC or length mismatch";
	default:
		return "inflate error";
	}
}

/* After the last member, gzip(1) tolerates zero padding; anything else is a
 * member we would otherwise silently ignore. */
static int gzip_trailer(struct layer_stream *s, customs_error *err)
{
	for (;;) {
		for (size_t i = s->in_pos; i < s->in_len; i++)
			if (s->in[i] != 0)
				return err_set(
				    err, CUSTOMS_EINVAL,
				    "gzip stream has trailing garbage at byte %llu",
				    (unsigned long long)(s->compressed - (s->in_len - i)));
		s->in_pos = s->in_len;
		if (s->in_eof)
			return 0;
		int rc = fill(s, err);
		if (rc < 0)
			return rc;
	}
}

static int gzip_next(struct layer_stream *s, uint8_t *dst, size_t cap, size_t *produced,
                     customs_error *err)
{
	struct inflate_state *g = s->gz;
	for (;;) {
		if (s->gz_trailer) {
			int rc = gzip_trailer(s, err);
			if (rc < 0)
				return rc;
			*produced = 0;
			return 0;
		}
		if (s->in_pos == s->in_len) {
			if (s->in_eof) {
				if (s->gz_member_open)
					return err_set(err, CUSTOMS_EINVAL,
					               "gzip stream truncated after %llu bytes",
					               (unsigned long long)s->compressed);
				*produced = 0;
				return 0;
			}
			int rc = fill(s, err);
			if (rc < 0)
				return rc;
			continue;
		}
		if (!s->gz_member_open) {
			/* A new member must start with the gzip magic. */
			if (s->in_len - s->in_pos < 2 && !s->in_eof) {
				int rc = fill(s, err);
				if (rc < 0)
					return rc;
				if (s->in_len - s->in_pos < 2 && !s->in_eof)
					continue;
			}
			if (s->in_len - s->in_pos >= 2 && s->in[s->in_pos] == 0x1f &&
			    s->in[s->in_pos + 1] == 0x8b) {
				isal_inflate_reset(g);
				g->crc_flag = ISAL_GZIP;
				s->gz_member_open = true;
			} else {
				s->gz_trailer = true;
				continue;
			}
		}
		g->next_in = (uint8_t *)s->in + s->in_pos;
		g->avail_in = (uint32_t)(s->in_len - s->in_pos);
		g->next_out = dst;
		g->avail_out = (uint32_t)cap;
		int rc = isal_inflate(g);
		s->in_pos = s->in_len - g->avail_in;
		if (rc < 0)
			return err_set(
			    err, CUSTOMS_EINVAL, "gzip stream corrupt near byte %llu: %s",
			    (unsigned long long)(s->compressed - g->avail_in), isal_strerror(rc));
		if (g->block_state == ISAL_BLOCK_FINISH)
			s->gz_member_open = false;
		size_t n = cap - g->avail_out;
		if (n > 0) {
			*produced = n;
			return 1;
		}
	}
}

static int zstd_next(struct layer_stream *s, uint8_t *dst, size_t cap, size_t *produced,
                     customs_error *err)
{
	for (;;) {
		if (s->in_pos == s->in_len && !s->in_eof) {
			int rc = fill(s, err);
			if (rc < 0)
				return rc;
		}
		/* Called even without new input: zstd may still hold decoded bytes. */
		ZSTD_inBuffer ib = {s->in, s->in_len, s->in_pos};
		size_t before = s->in_pos;
		ZSTD_outBuffer ob = {dst, cap, 0};
		size_t r = ZSTD_decompressStream(s->zs, &ob, &ib);
		s->in_pos = ib.pos;
		if (ZSTD_isError(r))
			return err_set(
			    err, CUSTOMS_EINVAL, "zstd stream corrupt near byte %llu: %s",
			    (unsigned long long)(s->compressed - (s->in_len - s->in_pos)),
			    ZSTD_getErrorName(r));
		/* A call without new input after a frame's end reports the next
		 * frame's header size: only input that was taken moves the hint. */
		if (r == 0 || ib.pos > before)
			s->zs_hint = r;
		if (ob.pos > 0) {
			*produced = ob.pos;
			return 1;
		}
		if (s->in_pos == s->in_len && s->in_eof) {
			/* 0 means the last frame ended and was flushed. */
			if (s->zs_hint != 0)
				return err_set(err, CUSTOMS_EINVAL,
				               "zstd stream truncated after %llu bytes",
				               (unsigned long long)s->compressed);
			*produced = 0;
			return 0;
		}
	}
}

/* One codec step into dst: 1 with *n bytes, 0 at the end, or a code. */
static int produce(struct layer_stream *s, uint8_t *dst, size_t cap, size_t *n, customs_error *err)
{
	int rc = 0;
	switch (s->codec) {
	case CODEC_PLAIN:
		/* Plain: read straight into the slot; blob and tar are the same
		 * bytes, hashed once. The bytes read for sniffing go first. */
		if (s->in_pos < s->in_len) {
			size_t k = s->in_len - s->in_pos < cap ? s->in_len - s->in_pos : cap;
			memcpy(dst, s->in + s->in_pos, k);
			s->in_pos += k;
			*n = k;
			rc = 1;
			break;
		}
		while (!s->in_eof) {
			ssize_t r = s->blob->read(s->blob, dst, cap, err);
			if (r < 0)
				return (int)r;
			if (r == 0) {
				s->in_eof = true;
				break;
			}
			if (!s->blob_verified)
				sha256_update(s->blob_hash, dst, (size_t)r);
			s->compressed += (uint64_t)r;
			*n = (size_t)r;
			rc = 1;
			break;
		}
		break;
	case CODEC_GZIP:
		rc = gzip_next(s, dst, cap, n, err);
		break;
	case CODEC_ZSTD:
		rc = zstd_next(s, dst, cap, n, err);
		break;
	}
	if (rc <= 0)
		return rc;
	s->uncompressed += *n;
	if ((rc = check_limits(s, err)) < 0)
		return rc;
	return 1;
}

/* Feeds the slot numbered hash_seq to tar_hash. Called with mu held, which
 * is released while hashing: the slot stays filled and unreleased until its
 * hash is done, so neither thread touches its bytes meanwhile. */
static void hash_next_slot(struct layer_stream *s)
{
	size_t idx = (s->head + (size_t)(s->hash_seq - s->head_seq)) % N_SLOTS;
	s->hashing = true;
	pthread_mutex_unlock(&s->mu);
	sha256_update(s->tar_hash, s->slot[idx], s->slot_len[idx]);
	pthread_mutex_lock(&s->mu);
	s->hashing = false;
	s->hash_seq++;
	pthread_cond_broadcast(&s->cv_full);
}

/* Whether a filled slot waits for its hash and nobody is at it (under mu). */
static bool hash_pending(const struct layer_stream *s)
{
	return s->codec != CODEC_PLAIN && !s->hashing && s->hash_seq < s->head_seq + s->count;
}

static void *producer(void *arg)
{
	struct layer_stream *s = arg;
	customs_error e = {0};
	int rc = 1;
	while (rc > 0) {
		pthread_mutex_lock(&s->mu);
		while (s->count == N_SLOTS && !s->cancel) {
			if (hash_pending(s))
				hash_next_slot(s);
			else
				pthread_cond_wait(&s->cv_free, &s->mu);
		}
		bool cancel = s->cancel;
		size_t idx = (s->head + s->count) % N_SLOTS;
		pthread_mutex_unlock(&s->mu);
		if (cancel)
			break;
		/* Fill the slot: fewer, fuller hand-overs. */
		size_t len = 0;
		while (len < s->slot_bytes) {
			size_t n = 0;
			rc = produce(s, s->slot[idx] + len, s->slot_bytes - len, &n, &e);
			if (rc <= 0)
				break;
			len += n;
		}
		pthread_mutex_lock(&s->mu);
		if (len > 0) {
			s->slot_len[idx] = len;
			s->count++;
		}
		if (rc <= 0) {
			s->prod_done = true;
			s->prod_rc = rc;
			s->prod_err = e;
		}
		pthread_cond_signal(&s->cv_full);
		pthread_mutex_unlock(&s->mu);
	}
	return NULL;
}

int layer_stream_next(struct layer_stream *s, const uint8_t **data, size_t *len, customs_error *err)
{
	int rc = 0;
	if (s->done)
		return 0;
	pthread_mutex_lock(&s->mu);
	if (s->held) {
		/* A slot goes back to the producer only once it is hashed. */
		while (s->codec != CODEC_PLAIN && s->hash_seq == s->head_seq) {
			if (s->hashing)
				pthread_cond_wait(&s->cv_full, &s->mu);
			else
				hash_next_slot(s);
		}
		s->head = (s->head + 1) % N_SLOTS;
		s->head_seq++;
		s->count--;
		s->held = false;
		pthread_cond_signal(&s->cv_free);
	}
	while (s->count == 0 && !s->prod_done)
		pthread_cond_wait(&s->cv_full, &s->mu);
	if (s->count > 0) {
		/* Hashed here, before the walk, unless the producer got to it
		 * first; if the producer is at it now, the walk reads it
		 * meanwhile (both only read it) and the release waits. */
		if (s->codec != CODEC_PLAIN && s->hash_seq == s->head_seq && !s->hashing)
			hash_next_slot(s);
		s->held = true;
		*data = s->slot[s->head];
		*len = s->slot_len[s->head];
		rc = 1;
	} else {
		rc = s->prod_rc;
		if (rc < 0)
			err_copy(err, &s->prod_err);
		else
			s->done = true;
	}
	pthread_mutex_unlock(&s->mu);
	return rc;
}

int layer_stream_finish(struct layer_stream *s, char *blob_digest, char *diff_id,
                        uint64_t *compressed, uint64_t *uncompressed, customs_error *err)
{
	const uint8_t *d;
	size_t n;
	int rc;
	while ((rc = layer_stream_next(s, &d, &n, err)) > 0)
		;
	if (rc < 0)
		return rc;
	/* The producer has finished: its fields are ours now. */
	if (s->blob_verified)
		memcpy(blob_digest, s->blob->verified_digest, SHA256_DIGEST_STRING_LEN + 1);
	else
		sha256_final_digest(s->blob_hash, blob_digest);
	if (s->codec == CODEC_PLAIN)
		memcpy(diff_id, blob_digest, SHA256_DIGEST_STRING_LEN + 1);
	else
		sha256_final_digest(s->tar_hash, diff_id);
	*compressed = s->compressed;
	*uncompressed = s->uncompressed;
	return 0;
}
