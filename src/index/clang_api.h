/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libclang, loaded when the indexer needs it rather than linked.
 *
 * libclang-14 drags in libLLVM, z3 and ICU: linked, the dynamic loader
 * spends ~50 ms on their relocations at every start of netscope, for
 * `netscope trace` and `netscope struct` as much as for `netscope index`.
 * So the indexer dlopen()s it (ix_clang_load) and calls it through a table
 * of pointers; the #defines below make every clang_*() call in the
 * extractor go through that table, so the code still reads as plain
 * libclang.  Only the functions listed here may be used: one missing
 * from the list is a link error (undefined reference), not a crash.
 */
#ifndef NETSCOPE_INDEX_CLANG_API_H
#define NETSCOPE_INDEX_CLANG_API_H

#include <clang-c/Index.h>

#define IX_CLANG_FUNCS(X) \
	X(clang_Cursor_getArgument) \
	X(clang_Cursor_getNumArguments) \
	X(clang_Cursor_getRawCommentText) \
	X(clang_Cursor_getStorageClass) \
	X(clang_Cursor_getVarDeclInitializer) \
	X(clang_Cursor_isAnonymousRecordDecl) \
	X(clang_Cursor_isFunctionInlined) \
	X(clang_Cursor_isNull) \
	X(clang_PrintingPolicy_dispose) \
	X(clang_Type_getModifiedType) \
	X(clang_Type_getNamedType) \
	X(clang_Type_visitFields) \
	X(clang_createIndex) \
	X(clang_disposeDiagnostic) \
	X(clang_disposeIndex) \
	X(clang_disposeString) \
	X(clang_disposeTranslationUnit) \
	X(clang_equalCursors) \
	X(clang_equalTypes) \
	X(clang_getArrayElementType) \
	X(clang_getCString) \
	X(clang_getCanonicalCursor) \
	X(clang_getCanonicalType) \
	X(clang_getClangVersion) \
	X(clang_getCursorExtent) \
	X(clang_getCursorKind) \
	X(clang_getCursorLocation) \
	X(clang_getCursorPrettyPrinted) \
	X(clang_getCursorPrintingPolicy) \
	X(clang_getCursorReferenced) \
	X(clang_getCursorSemanticParent) \
	X(clang_getCursorSpelling) \
	X(clang_getCursorType) \
	X(clang_getCursorUSR) \
	X(clang_getDiagnostic) \
	X(clang_getDiagnosticLocation) \
	X(clang_getDiagnosticSeverity) \
	X(clang_getDiagnosticSpelling) \
	X(clang_getFile) \
	X(clang_getFileLocation) \
	X(clang_getFileName) \
	X(clang_getInclusions) \
	X(clang_getNullCursor) \
	X(clang_getNumDiagnostics) \
	X(clang_getPointeeType) \
	X(clang_getRangeEnd) \
	X(clang_getRangeStart) \
	X(clang_getTranslationUnitCursor) \
	X(clang_getTypeDeclaration) \
	X(clang_getTypeSpelling) \
	X(clang_isAttribute) \
	X(clang_isCursorDefinition) \
	X(clang_isExpression) \
	X(clang_parseTranslationUnit2) \
	X(clang_visitChildren)

struct ix_clang_api {
#define IX_CLANG_MEMBER(f) __typeof__(f) *f;
	IX_CLANG_FUNCS(IX_CLANG_MEMBER)
#undef IX_CLANG_MEMBER
};

extern struct ix_clang_api ix_clang;

/*
 * Load libclang (once; later calls return at once).  0, or -ENOENT after a
 * message naming the library and the package that has it.
 */
int ix_clang_load(void);

#ifndef IX_CLANG_API_IMPL
#define clang_Cursor_getArgument (*ix_clang.clang_Cursor_getArgument)
#define clang_Cursor_getNumArguments (*ix_clang.clang_Cursor_getNumArguments)
#define clang_Cursor_getRawCommentText (*ix_clang.clang_Cursor_getRawCommentText)
#define clang_Cursor_getStorageClass (*ix_clang.clang_Cursor_getStorageClass)
#define clang_Cursor_getVarDeclInitializer (*ix_clang.clang_Cursor_getVarDeclInitializer)
#define clang_Cursor_isAnonymousRecordDecl (*ix_clang.clang_Cursor_isAnonymousRecordDecl)
#define clang_Cursor_isFunctionInlined (*ix_clang.clang_Cursor_isFunctionInlined)
#define clang_Cursor_isNull (*ix_clang.clang_Cursor_isNull)
#define clang_PrintingPolicy_dispose (*ix_clang.clang_PrintingPolicy_dispose)
#define clang_Type_getModifiedType (*ix_clang.clang_Type_getModifiedType)
#define clang_Type_getNamedType (*ix_clang.clang_Type_getNamedType)
#define clang_Type_visitFields (*ix_clang.clang_Type_visitFields)
#define clang_createIndex (*ix_clang.clang_createIndex)
#define clang_disposeDiagnostic (*ix_clang.clang_disposeDiagnostic)
#define clang_disposeIndex (*ix_clang.clang_disposeIndex)
#define clang_disposeString (*ix_clang.clang_disposeString)
#define clang_disposeTranslationUnit (*ix_clang.clang_disposeTranslationUnit)
#define clang_equalCursors (*ix_clang.clang_equalCursors)
#define clang_equalTypes (*ix_clang.clang_equalTypes)
#define clang_getArrayElementType (*ix_clang.clang_getArrayElementType)
#define clang_getCString (*ix_clang.clang_getCString)
#define clang_getCanonicalCursor (*ix_clang.clang_getCanonicalCursor)
#define clang_getCanonicalType (*ix_clang.clang_getCanonicalType)
#define clang_getClangVersion (*ix_clang.clang_getClangVersion)
#define clang_getCursorExtent (*ix_clang.clang_getCursorExtent)
#define clang_getCursorKind (*ix_clang.clang_getCursorKind)
#define clang_getCursorLocation (*ix_clang.clang_getCursorLocation)
#define clang_getCursorPrettyPrinted (*ix_clang.clang_getCursorPrettyPrinted)
#define clang_getCursorPrintingPolicy (*ix_clang.clang_getCursorPrintingPolicy)
#define clang_getCursorReferenced (*ix_clang.clang_getCursorReferenced)
#define clang_getCursorSemanticParent (*ix_clang.clang_getCursorSemanticParent)
#define clang_getCursorSpelling (*ix_clang.clang_getCursorSpelling)
#define clang_getCursorType (*ix_clang.clang_getCursorType)
#define clang_getCursorUSR (*ix_clang.clang_getCursorUSR)
#define clang_getDiagnostic (*ix_clang.clang_getDiagnostic)
#define clang_getDiagnosticLocation (*ix_clang.clang_getDiagnosticLocation)
#define clang_getDiagnosticSeverity (*ix_clang.clang_getDiagnosticSeverity)
#define clang_getDiagnosticSpelling (*ix_clang.clang_getDiagnosticSpelling)
#define clang_getFile (*ix_clang.clang_getFile)
#define clang_getFileLocation (*ix_clang.clang_getFileLocation)
#define clang_getFileName (*ix_clang.clang_getFileName)
#define clang_getInclusions (*ix_clang.clang_getInclusions)
#define clang_getNullCursor (*ix_clang.clang_getNullCursor)
#define clang_getNumDiagnostics (*ix_clang.clang_getNumDiagnostics)
#define clang_getPointeeType (*ix_clang.clang_getPointeeType)
#define clang_getRangeEnd (*ix_clang.clang_getRangeEnd)
#define clang_getRangeStart (*ix_clang.clang_getRangeStart)
#define clang_getTranslationUnitCursor (*ix_clang.clang_getTranslationUnitCursor)
#define clang_getTypeDeclaration (*ix_clang.clang_getTypeDeclaration)
#define clang_getTypeSpelling (*ix_clang.clang_getTypeSpelling)
#define clang_isAttribute (*ix_clang.clang_isAttribute)
#define clang_isCursorDefinition (*ix_clang.clang_isCursorDefinition)
#define clang_isExpression (*ix_clang.clang_isExpression)
#define clang_parseTranslationUnit2 (*ix_clang.clang_parseTranslationUnit2)
#define clang_visitChildren (*ix_clang.clang_visitChildren)
#endif

#endif
