/* The table of built-in analyzers: adding an analyzer is one line here
 * (path matching and file_result cleanup live in analyzer.c). */
#include "analyze/analyzer.h"
#include "analyze/lang.h"
#include "analyze/os_release.h"
#include "analyze/owned.h"
#include "analyze/pkgdb.h"
#include "analyze/rpm.h"

const struct analyzer *const analyzer_table[] = {
    &analyzer_os_release, &analyzer_dpkg,        &analyzer_dpkg_list, &analyzer_apk,
    &analyzer_rpm,        &analyzer_npm_package, &analyzer_npm_lock,  &analyzer_python,
    &analyzer_java,       &analyzer_golang,      &analyzer_rust,      &analyzer_rust_audit,
    &analyzer_ruby,       &analyzer_php,         &analyzer_dotnet,    NULL,
};

const struct analyzer *const *analyzer_table_get(void)
{
	return analyzer_table;
}
