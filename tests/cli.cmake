# Suites owned by the stress command: option parsing (pure) and the CLI
# end to end (comstress.exe run as a child process, bad inputs included).
comstress_add_check_test(test_options SOURCES test_options.c LIBS cs_options)
