/* One-time library initialisation: OpenSSL. (libcurl is loaded and set up
 * on first use: util/curl_lazy.h.) */
#include <openssl/crypto.h>
#include <pthread.h>

#include "util/error.h"

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_rc;

static void init_libs(void)
{
	if (OPENSSL_init_crypto(0, NULL) != 1)
		init_rc = CUSTOMS_ENOMEM;
}

int customs_init(customs_error *err)
{
	pthread_once(&init_once, init_libs);
	if (init_rc)
		return err_set(err, init_rc, "library initialisation failed");
	return CUSTOMS_OK;
}
