# Makes the man pages from the program's own --help with help2man (cmake -P): stsim.1,
# and stsim-COMMAND.1 for every subcommand its --help lists. Variables: HELP2MAN,
# PROGRAM, VERSION, OUTPUT_DIR.
execute_process(COMMAND "${PROGRAM}" --help OUTPUT_VARIABLE help RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "'${PROGRAM} --help' failed")
endif()
# The subcommands and their one-line descriptions, from the "Subcommands:" section.
string(REGEX REPLACE ".*\nSubcommands:\n" "" listed "${help}")
string(REPLACE "\n" ";" lines "${listed}")
set(commands "")
foreach(line IN LISTS lines)
  if(line MATCHES "^  ([a-z-]+)  +(.+)$")
    list(APPEND commands "${CMAKE_MATCH_1}")
    set(description_${CMAKE_MATCH_1} "${CMAKE_MATCH_2}")
  endif()
endforeach()
if(NOT commands)
  message(FATAL_ERROR "no subcommands in '${PROGRAM} --help'")
endif()
file(MAKE_DIRECTORY "${OUTPUT_DIR}")

function(man_page command name see_also)
  set(page stsim)
  set(help_option --help)
  if(command)
    set(page stsim-${command})
    set(help_option "${command} --help")
  endif()
  set(include "${OUTPUT_DIR}/${page}.include")
  set(text "[SEE ALSO]\n")
  foreach(other IN LISTS see_also)
    string(APPEND text ".BR ${other} (1),\n")
  endforeach()
  string(APPEND text "and the documentation in share/doc/stsim: README.md, scenarios.md (every "
                     "key of a scenario file), output.md (the result file), python.md (pandas "
                     "and xarray), cluster.md (MPI and Slurm).\n")
  file(WRITE "${include}" "${text}")
  execute_process(
    COMMAND "${HELP2MAN}" --no-info --section=1 "--help-option=${help_option}"
            "--version-string=${VERSION}" "--name=${name}" "--include=${include}"
            "--output=${OUTPUT_DIR}/${page}.1" "${PROGRAM}"
    RESULT_VARIABLE status)
  file(REMOVE "${include}")
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "help2man failed on '${PROGRAM} ${help_option}'")
  endif()
  # help2man names every page after the program; a subcommand's page has its own name.
  file(READ "${OUTPUT_DIR}/${page}.1" text)
  string(TOUPPER "${page}" title)
  string(REPLACE ".TH STSIM " ".TH ${title} " text "${text}")
  string(REPLACE ".SH NAME\nstsim \\- " ".SH NAME\n${page} \\- " text "${text}")
  file(WRITE "${OUTPUT_DIR}/${page}.1" "${text}")
endfunction()

set(pages "")
foreach(command IN LISTS commands)
  list(APPEND pages stsim-${command})
endforeach()
man_page("" "Monte Carlo simulation of AI inside sociotechnical systems" "${pages}")
foreach(command IN LISTS commands)
  man_page("${command}" "${description_${command}}" "stsim")
endforeach()
