# Suites owned by the stress command: option parsing (pure) and the CLI
# end to end (comstress.exe run as a child process, bad inputs included).
comstress_add_check_test(test_options SOURCES test_options.c LIBS cs_options)
if(TARGET comstress AND TARGET csclient AND TARGET cs_core)
  comstress_add_check_test(test_cli SOURCES test_cli.c)
  target_include_directories(test_cli PRIVATE ${CMAKE_SOURCE_DIR}/stress)
  add_dependencies(test_cli comstress comserver)
endif()
comstress_add_check_test(test_ledger SOURCES test_ledger.c LIBS csledger)
comstress_add_check_test(test_mallocspy SOURCES test_mallocspy.c LIBS cs_spy)
comstress_add_check_test(test_samplers SOURCES test_samplers.c LIBS cs_samplers)
