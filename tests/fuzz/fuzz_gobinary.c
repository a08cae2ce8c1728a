/* libFuzzer target: the Go build-info reader, on a whole buffer and through
 * the streaming analyzer in chunks sized by the first byte. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/lang.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct package_list l = {0};
	customs_error err = {0};
	if (size < 1)
		return 0;
	size_t step = (size_t)data[0] + 1;
	data++;
	size--;
	go_binary_parse(&l, "bin", data, size, NULL, &err);
	go_buildinfo_parse(&l, "bin", data, size, NULL, &err);
	package_list_free(&l);
	/* The stream wants an ELF file, and the pre-1.18 version is found
	 * through its program headers: make every input one, read whole too
	 * (the seeds in corpus/gobinary are such files without their magic). */
	uint8_t *elf = malloc(size + 4);
	if (!elf)
		return 0;
	memcpy(elf,
	       "\x7f"
	       "ELF",
	       4);
	memcpy(elf + 4, data, size);
	go_binary_parse(&l, "bin", elf, size + 4, NULL, &err);
	package_list_free(&l);
	const struct analyzer_stream_ops *ops = analyzer_golang.stream;
	void *st = NULL;
	struct file_result fr = {0};
	if (ops->open(&st, "bin", (int64_t)size + 4, &err) < 0) {
		free(elf);
		return 0;
	}
	int rc = 0;
	for (size_t off = 0, n; off < size + 4 && rc == 0; off += n) {
		/* The first chunk holds the magic, as the dispatcher's do. */
		n = off == 0 && step < 4 ? 4 : step;
		n = size + 4 - off < n ? size + 4 - off : n;
		rc = ops->chunk(st, elf + off, n, &err);
	}
	if (rc < 0)
		ops->abort(st);
	else
		ops->close(st, &fr, NULL, &err);
	file_result_clear(&fr);
	free(elf);
	return 0;
}
