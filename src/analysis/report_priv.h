/* SPDX-License-Identifier: GPL-2.0 */
/* struct report itself: the analyses' states and, once finished, the result. */
#ifndef NS_REPORT_PRIV_H
#define NS_REPORT_PRIV_H

#include "analysis/internal.h"

struct report {
	struct report_ctx ctx;
	struct counts_an counts;
	struct drops_an drops;
	struct tcp_an tcp;
	struct callpaths_an callpaths;
	struct journeys *journeys;
	struct report_result *res;
};

#endif
