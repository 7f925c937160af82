# The rounds: `make scenario-3` runs every variant of round 3 and prints one table comparing them.
#   VARIANT=headless   only that variant
#   PLATFORM=local     local | cluster (or kind) | auto (default here: auto, a lab cluster when one answers)
#   SEED=7             repeat a run exactly
#   UI=1               live web dashboard; STEP=1: wait for Enter before each step
# Exit code: 0 every verdict held, 1 a verdict failed, 2 bad input, 3 the platform failed.
# A failed verdict or platform keeps the pods' logs, events and objects in reports/<round>-<variant>-logs/.
LAB := node dist/scripts/cli/lab.js
SCENARIO_FLAGS = --platform $(or $(PLATFORM),auto) $(if $(VARIANT),--variant $(VARIANT)) $(if $(SEED),--seed $(SEED)) $(if $(UI),--ui) $(if $(STEP),--step) $(LAB_FLAGS)
ROUND_NUMBERS := 1 2 3 4 5

.PHONY: demo stability $(addprefix scenario-,$(ROUND_NUMBERS))

$(addprefix scenario-,$(ROUND_NUMBERS)): scenario-%: build
	$(LAB) run $* $(SCENARIO_FLAGS)

# All five rounds, one after the other; fails at the end if any verdict failed. The quickstart's
# command: on the embedded platform even when a lab cluster answers (PLATFORM=cluster runs it there).
demo: PLATFORM ?= local
demo: build
	@status=0; for r in $(ROUND_NUMBERS); do $(LAB) run $$r $(SCENARIO_FLAGS) || status=$$?; done; exit $$status

# How often each verdict holds: every variant N times (ROUNDS=1,3 and VARIANT= narrow it down).
N ?= 10
stability: build
	node dist/bench/stability.js --runs $(N) --platform $(if $(filter cluster kind,$(PLATFORM)),$(PLATFORM),local) $(if $(ROUNDS),--rounds $(ROUNDS)) $(if $(VARIANT),--variant $(VARIANT))
