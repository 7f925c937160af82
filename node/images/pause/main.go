// The lab's sandbox ("pause") container: the process that holds a pod's namespaces while its
// containers come and go. It does what Kubernetes' pause does: sleeps until SIGINT or SIGTERM and
// then exits 0, and, being PID 1 of the pod when the pod shares one process namespace, reaps the
// zombies of the processes it inherits.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// version is the pause release this one stands in for (its image tag).
const version = "3.10.1"

func main() {
	if len(os.Args) > 1 && os.Args[1] == "-v" {
		fmt.Printf("pause.go (grpc-k8s-lab) %s\n", version)
		return
	}
	if os.Getpid() != 1 {
		// Not an error: the kubelet always starts it as PID 1, a test may not.
		fmt.Fprintln(os.Stderr, "Warning: pause should be the first process")
	}
	signals := make(chan os.Signal, 16)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for s := range signals {
		if s == syscall.SIGCHLD {
			reap()
			continue
		}
		fmt.Fprintf(os.Stderr, "Shutting down, got signal: %v\n", s)
		os.Exit(0)
	}
}

// reap collects every child that has exited; SIGCHLDs coalesce, so one signal may stand for many.
func reap() {
	for {
		var status syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &status, syscall.WNOHANG, nil)
		if err == syscall.EINTR {
			continue
		}
		if pid <= 0 || err != nil {
			return
		}
	}
}
