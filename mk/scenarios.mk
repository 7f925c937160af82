# The rounds: `make scenario-3` runs every variant of round 3 and prints one table comparing them.
#   VARIANT=headless   only that variant
#   PLATFORM=local     local | cluster (or kind) | auto (default here: auto, a lab cluster when one answers)
#   SEED=7             repeat a run exactly
#   UI=1               live web dashboard; STEP=1: wait for Enter before each step
# Exit code: make's own, 0 or 2 (README, "Exit codes"): the lab's code is in make's last line
# ("Error 3"); 130 on Ctrl-C and 143 when make gets SIGTERM, which it passes on to the lab.
# A failed verdict or platform keeps the pods' logs, events and objects in reports/<round>-<variant>-logs/.
# Each recipe is the lab alone, with no shell around it: the shell execs it, so the lab is make's
# own child, the one process make's SIGTERM reaches, and it tears down before make exits.
LAB := node dist/scripts/cli/lab.js
SCENARIO_FLAGS = --platform $(or $(PLATFORM),auto) $(if $(VARIANT),--variant $(VARIANT)) $(if $(SEED),--seed $(SEED)) $(if $(UI),--ui) $(if $(STEP),--step) $(LAB_FLAGS)
ROUND_NUMBERS := 1 2 3 4 5

.PHONY: demo stability fidelity $(addprefix scenario-,$(ROUND_NUMBERS))

# HAProxy: the local platform runs round 3's l7-proxy as a system process (a cluster runs its
# image), so those targets install it first, before the build (mk/need.sh).
HAPROXY_ROUNDS := 3
lab-needs-%:
	@$(if $(and $(filter $*,$(HAPROXY_ROUNDS)),$(filter-out cluster kind,$(or $(PLATFORM),auto))),$(NEED) "make $(or $(firstword $(MAKECMDGOALS)),scenario-$*)" haproxy,true)

$(addprefix scenario-,$(ROUND_NUMBERS)): scenario-%: lab-needs-% build
	$(LAB) run $* $(SCENARIO_FLAGS)

# All five rounds in one run of the lab: one preflight checks what all of them need before the
# first starts, and the exit code is the worst of the rounds. The quickstart's command: on the
# embedded platform even when a lab cluster answers (PLATFORM=cluster runs it there).
# DEMO_ROUNDS="2 3 4 5" runs only those.
DEMO_ROUNDS ?= $(ROUND_NUMBERS)
demo: PLATFORM ?= local
demo: lab-needs-3 build
	$(LAB) run $(DEMO_ROUNDS) $(SCENARIO_FLAGS)

# How often each verdict holds: every variant N times (ROUNDS=1,3 and VARIANT= narrow it down).
N ?= 10
stability: lab-needs-3 build
	node dist/bench/stability.js --runs $(N) --platform $(if $(filter cluster kind,$(PLATFORM)),$(PLATFORM),local) $(if $(ROUNDS),--rounds $(ROUNDS)) $(if $(VARIANT),--variant $(VARIANT))

# The embedded platform beside a real cluster (the lab's own node; PLATFORM=kind for kind): every
# variant on both, N runs each (default 1), one table of verdicts and one of race windows.
fidelity: N = 1
fidelity: lab-needs-3 build
	node dist/bench/fidelity.js --runs $(N) --cluster $(if $(filter kind,$(PLATFORM)),kind,cluster) $(if $(ROUNDS),--rounds $(ROUNDS)) $(if $(VARIANT),--variant $(VARIANT))
