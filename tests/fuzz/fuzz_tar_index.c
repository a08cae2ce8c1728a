/* libFuzzer target: tar_index over arbitrary bytes. Every member it indexes
 * must be readable in full from the file (offsets never point past the end). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "source/source_internal.h"
#include "source/tar_index.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tar_index *t = NULL;
	customs_error err;
	char path[64];
	int fd = memfd_create("fuzz_tar_index", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (tar_index_open(&t, path, &err) == 0) {
		for (size_t i = 0; i < tar_index_count(t); i++) {
			struct blob *b = NULL;
			char *all = NULL;
			size_t len;
			if (tar_index_open_member(t, tar_index_name(t, i), &b, &err) != 0)
				continue;
			int rc = blob_read_all(&all, &len, b, size, "member", &err);
			if (rc == CUSTOMS_EIO || (rc == 0 && (int64_t)len != b->size))
				__builtin_trap();
			free(all);
			blob_close(b);
		}
		tar_index_free(t);
	}
	close(fd);
	return 0;
}
