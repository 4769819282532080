#ifndef SWDBT_CLIBPQ_SHIM_H
#define SWDBT_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
