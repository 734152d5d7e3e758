# The pure portable core of the stress command: the data model, the leak
# statistics and the report writers. No Win32 in here: it builds and is
# unit-tested (tests/core.cmake) without any Windows knowledge.
add_library(cs_core STATIC
  ${CMAKE_CURRENT_LIST_DIR}/model.c
  ${CMAKE_CURRENT_LIST_DIR}/stats.c
  ${CMAKE_CURRENT_LIST_DIR}/report_util.c
  ${CMAKE_CURRENT_LIST_DIR}/report_csv.c
  ${CMAKE_CURRENT_LIST_DIR}/report_json.c
  ${CMAKE_CURRENT_LIST_DIR}/report_svg.c
  ${CMAKE_CURRENT_LIST_DIR}/report_html.c
  ${CMAKE_CURRENT_LIST_DIR}/report_junit.c)
target_include_directories(cs_core PUBLIC ${CMAKE_CURRENT_LIST_DIR})
