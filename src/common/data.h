/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tables of kernel knowledge in data/, compiled in by the Makefile:
 * data/NAME.rules is ns_data_NAME, the file's text as one C string.
 */
#ifndef NS_COMMON_DATA_H
#define NS_COMMON_DATA_H

extern const char ns_data_layers[];	 /* data/layers.rules */
extern const char ns_data_directions[];	 /* data/directions.rules */
extern const char ns_data_concordance[]; /* data/concordance.rules */
extern const char ns_data_lttng[];	 /* data/lttng.rules */
extern const char ns_data_funcs_deny[];	 /* data/funcs_deny.rules */
extern const char ns_data_lab_funcs[];	 /* data/lab_funcs.rules */

#endif
