# Leak verdicts end to end (issue 4): comstress.exe run as a child against
# the reference server; the leak fault caught, the clean class passing,
# `comstress report DIR` rebuilding the reports from samples.csv.
if(TARGET comstress AND TARGET comserver)
  comstress_add_check_test(test_verdicts SOURCES test_verdicts.c)
  target_include_directories(test_verdicts PRIVATE ${CMAKE_SOURCE_DIR}/stress)
  add_dependencies(test_verdicts comstress comserver)
endif()
