/* libcurl, loaded on first use. libcurl and what it links (Kerberos, LDAP,
 * GnuTLS, SSH, RTMP: some 25 libraries) were a third of the program's start
 * time, and a scan of a local image never touches the network. Include this
 * instead of <curl/curl.h> and call curl_lazy_load() before the first curl
 * call; the curl_* names below then go through the loaded library. */
#ifndef UTIL_CURL_LAZY_H
#define UTIL_CURL_LAZY_H

/* No type-checking macros: they would shadow the names redefined below. */
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>
#include <time.h>

#include "customs/customs.h"

/* X(return type, name without "curl_", parameter list) */
#define CURL_LAZY_FUNCTIONS(X)                                                                     \
	X(CURLcode, global_init, (long))                                                           \
	X(curl_version_info_data *, version_info, (CURLversion))                                   \
	X(CURL *, easy_init, (void))                                                               \
	X(CURLcode, easy_setopt, (CURL *, CURLoption, ...))                                        \
	X(CURLcode, easy_getinfo, (CURL *, CURLINFO, ...))                                         \
	X(CURLcode, easy_perform, (CURL *))                                                        \
	X(CURLcode, easy_pause, (CURL *, int))                                                     \
	X(void, easy_cleanup, (CURL *))                                                            \
	X(const char *, easy_strerror, (CURLcode))                                                 \
	X(char *, easy_escape, (CURL *, const char *, int))                                        \
	X(void, free, (void *))                                                                    \
	X(time_t, getdate, (const char *, const time_t *))                                         \
	X(struct curl_slist *, slist_append, (struct curl_slist *, const char *))                  \
	X(void, slist_free_all, (struct curl_slist *))                                             \
	X(CURLU *, url, (void))                                                                    \
	X(CURLUcode, url_set, (CURLU *, CURLUPart, const char *, unsigned int))                    \
	X(CURLUcode, url_get, (const CURLU *, CURLUPart, char **, unsigned int))                   \
	X(void, url_cleanup, (CURLU *))                                                            \
	X(CURLM *, multi_init, (void))                                                             \
	X(CURLMcode, multi_add_handle, (CURLM *, CURL *))                                          \
	X(CURLMcode, multi_remove_handle, (CURLM *, CURL *))                                       \
	X(CURLMcode, multi_perform, (CURLM *, int *))                                              \
	X(CURLMcode, multi_poll, (CURLM *, struct curl_waitfd[], unsigned int, int, int *))        \
	X(CURLMsg *, multi_info_read, (CURLM *, int *))                                            \
	X(CURLMcode, multi_cleanup, (CURLM *))

#define CURL_LAZY_MEMBER(ret, name, params) ret(*name) params;
struct curl_lazy {
	CURL_LAZY_FUNCTIONS(CURL_LAZY_MEMBER)
};
#undef CURL_LAZY_MEMBER
extern struct curl_lazy curl_lazy;

/* Loads libcurl and runs curl_global_init, once per process; later calls
 * return the first one's result. CUSTOMS_EUNSUPPORTED when the library is
 * not installed. Thread-safe. */
int curl_lazy_load(customs_error *err);

/* curl.h's own pass-through macros for these two are replaced. */
#undef curl_easy_setopt
#undef curl_easy_getinfo
#define curl_global_init         (curl_lazy.global_init)
#define curl_version_info        (curl_lazy.version_info)
#define curl_easy_init           (curl_lazy.easy_init)
#define curl_easy_setopt         (curl_lazy.easy_setopt)
#define curl_easy_getinfo        (curl_lazy.easy_getinfo)
#define curl_easy_perform        (curl_lazy.easy_perform)
#define curl_easy_pause          (curl_lazy.easy_pause)
#define curl_easy_cleanup        (curl_lazy.easy_cleanup)
#define curl_easy_strerror       (curl_lazy.easy_strerror)
#define curl_easy_escape         (curl_lazy.easy_escape)
#define curl_free                (curl_lazy.free)
#define curl_getdate             (curl_lazy.getdate)
#define curl_slist_append        (curl_lazy.slist_append)
#define curl_slist_free_all      (curl_lazy.slist_free_all)
#define curl_url                 (curl_lazy.url)
#define curl_url_set             (curl_lazy.url_set)
#define curl_url_get             (curl_lazy.url_get)
#define curl_url_cleanup         (curl_lazy.url_cleanup)
#define curl_multi_init          (curl_lazy.multi_init)
#define curl_multi_add_handle    (curl_lazy.multi_add_handle)
#define curl_multi_remove_handle (curl_lazy.multi_remove_handle)
#define curl_multi_perform       (curl_lazy.multi_perform)
#define curl_multi_poll          (curl_lazy.multi_poll)
#define curl_multi_info_read     (curl_lazy.multi_info_read)
#define curl_multi_cleanup       (curl_lazy.multi_cleanup)

#endif
