#ifndef CASEBOOK_CLIBXML2_SHIM_H
#define CASEBOOK_CLIBXML2_SHIM_H
/* Keep libxml2's ICU headers out: their UErrorCode clashes with Foundation's bundled ICU when
   both are visible to one Swift module. casebook never touches the ICU converter fields. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/globals.h>

/// xmlFree is a global function pointer; Swift 6 refuses to touch it directly.
static inline void casebook_xml_free(void *p) { xmlFree(p); }
#endif
