/* Loading a library on first use: dlopen, dlsym of a table of functions,
 * once per process. See lazy_lib.h. */
#include <dlfcn.h>
#include <string.h>

#include "util/error.h"
#include "util/lazy_lib.h"

static int load(struct lazy_lib *l)
{
	void *h = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return err_set(&l->err, CUSTOMS_EUNSUPPORTED, "%s is not installed: %s (%s)",
		               l->name, l->needed_for, dlerror());
	for (size_t i = 0; i < l->n_syms; i++) {
		void *p = dlsym(h, l->syms[i].name);
		if (!p) {
			memset(l->table, 0, l->table_len);
			dlclose(h);
			return err_set(&l->err, CUSTOMS_EUNSUPPORTED, "%s has no %s: %s", l->soname,
			               l->syms[i].name, l->needed_for);
		}
		/* POSIX guarantees a function's address survives the trip through void *. */
		memcpy((char *)l->table + l->syms[i].offset, &p, sizeof(p));
	}
	int rc = l->init ? l->init(&l->err) : 0;
	/* The library stays loaded: its init may have left state behind. */
	if (rc)
		memset(l->table, 0, l->table_len);
	return rc;
}

int lazy_lib_load(struct lazy_lib *l, customs_error *err)
{
	if (!__atomic_load_n(&l->done, __ATOMIC_ACQUIRE)) {
		pthread_mutex_lock(&l->lock);
		if (!l->done) {
			l->rc = load(l);
			__atomic_store_n(&l->done, 1, __ATOMIC_RELEASE);
		}
		pthread_mutex_unlock(&l->lock);
	}
	if (l->rc)
		err_copy(err, &l->err);
	return l->rc;
}
