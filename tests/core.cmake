# Suites owned by the pure core of stress/: statistics and report writers.
comstress_add_check_test(test_stats SOURCES test_stats.c LIBS cs_core)
comstress_add_check_test(test_reports SOURCES test_reports.c LIBS cs_core)
