# Runs a libFuzzer binary for a bounded number of runs from a fresh working corpus plus the
# seed corpus (left untouched), so every ctest run does the same work.
#   cmake -DFUZZER=bin -DSEEDS=dir -DWORK=dir -DRUNS=n -DMAX_LEN=n -P run_fuzz.cmake
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/corpus)
execute_process(
  COMMAND ${FUZZER} -runs=${RUNS} -max_len=${MAX_LEN} -seed=1 -timeout=10 -rss_limit_mb=1024
          -print_final_stats=1 -artifact_prefix=${WORK}/ ${WORK}/corpus ${SEEDS}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${FUZZER} failed (${rc}); a reproducer is in ${WORK}/")
endif()
