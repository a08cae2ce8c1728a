/* libFuzzer target: the Go build-info reader, on a whole buffer and through
 * the streaming analyzer in chunks sized by the first byte. */
#include <stddef.h>
#include <stdint.h>

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
	/* The stream wants an ELF file: make every input one. */
	static const uint8_t elf[4] = {0x7f, 'E', 'L', 'F'};
	const struct analyzer_stream_ops *ops = analyzer_golang.stream;
	void *st = NULL;
	struct file_result fr = {0};
	if (ops->open(&st, "bin", (int64_t)size + 4, &err) < 0)
		return 0;
	int rc = ops->chunk(st, elf, sizeof(elf), &err);
	for (size_t off = 0; off < size && rc == 0; off += step)
		rc = ops->chunk(st, data + off, size - off < step ? size - off : step, &err);
	if (rc < 0)
		ops->abort(st);
	else
		ops->close(st, &fr, NULL, &err);
	file_result_clear(&fr);
	return 0;
}
