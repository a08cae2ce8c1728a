/* Library version reporting. */
#include "customs/customs.h"
#include "customs_config.h"

const char *customs_version(void)
{
	return CUSTOMS_VERSION_STRING;
}
