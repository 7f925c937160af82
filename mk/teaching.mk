# Teaching with the lab (README, section "Teaching with the lab").
#   make scenario-3 UI=1                 the live dashboard on http://127.0.0.1:8089/ beside the terminal view
#   make scenario-3 UI=1 STEP=1          step mode: Enter in the terminal or "Next" on the page runs each step
#   make scenario-3 UI=1 UI_PORT=9000    the dashboard on another port
# (UI and STEP are read in scenarios.mk; UI_PORT reaches the lab as LAB_UI_PORT.)

UI_PORT ?=
ifneq ($(UI_PORT),)
export LAB_UI_PORT := $(UI_PORT)
endif
