# Benchmarks (README, section "Performance"). Not tests: they are not part of `make test`.
#   make bench                 every benchmark: prints one table, writes bench/results.json
#   make bench BENCH=NAME      one of them: loadgen, proxy, suite, scale
#   make bench BENCH=loadgen BENCH_CPU_PROF=a     also CPU-profile every A process (roles: a, b,
#                              bare, client) into reports/bench-profiles/<bench>/<role>/; read the
#                              hottest frames with: node dist/bench/profile-top.js FILE.cpuprofile
#   make bench BENCH=suite BENCH_ROUNDS=3,demo    only some rounds (and the demo)

BENCH ?=

.PHONY: bench

bench: build
	node dist/bench/run.js $(BENCH)
