#ifndef CASEBOOK_CLIBXML2_SHIM_H
#define CASEBOOK_CLIBXML2_SHIM_H
#include <libxml/parser.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/globals.h>

/// xmlFree is a global function pointer; Swift 6 refuses to touch it directly.
static inline void casebook_xml_free(void *p) { xmlFree(p); }
#endif
