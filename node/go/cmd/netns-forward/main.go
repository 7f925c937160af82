// Command netns-forward lets kubectl on the host reach the lab node's API server, which lives in
// the node's own network namespace: it listens on a host address (loopback) and dials every
// accepted connection from inside that namespace. Usage:
//
//	netns-forward LISTEN_ADDR NETNS_PATH TARGET_ADDR
//
// A plain user-space relay keeps the host's root namespace free of veths, routes and iptables
// rules: stopping this one process undoes the only thing the node adds to the host's network.
package main

import (
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"runtime"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: netns-forward LISTEN_ADDR NETNS_PATH TARGET_ADDR")
		os.Exit(2)
	}
	listenAddr, nsPath, target := os.Args[1], os.Args[2], os.Args[3]
	ln, err := net.Listen("tcp", listenAddr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "netns-forward: %v\n", err)
		os.Exit(1)
	}
	go func() {
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
		<-sig
		ln.Close()
	}()
	for {
		client, err := ln.Accept()
		if err != nil {
			return // closed by a signal
		}
		go relay(client, nsPath, target)
	}
}

func relay(client net.Conn, nsPath, target string) {
	defer client.Close()
	upstream, err := dialInNamespace(nsPath, target)
	if err != nil {
		fmt.Fprintf(os.Stderr, "netns-forward: %v\n", err)
		return
	}
	defer upstream.Close()
	var wg sync.WaitGroup
	wg.Add(2)
	pipe := func(dst, src net.Conn) {
		defer wg.Done()
		io.Copy(dst, src)
		// Half-close, so that each side sees the other's end of stream.
		if tcp, ok := dst.(*net.TCPConn); ok {
			tcp.CloseWrite()
		}
	}
	go pipe(upstream, client)
	go pipe(client, upstream)
	wg.Wait()
}

// dialInNamespace creates the socket while this OS thread is inside the target namespace: a
// socket belongs to the namespace it was created in, whichever thread uses it afterwards.
func dialInNamespace(nsPath, target string) (net.Conn, error) {
	runtime.LockOSThread()
	own, err := os.Open("/proc/thread-self/ns/net")
	if err != nil {
		runtime.UnlockOSThread()
		return nil, err
	}
	defer own.Close()
	ns, err := os.Open(nsPath)
	if err != nil {
		runtime.UnlockOSThread()
		return nil, err
	}
	defer ns.Close()
	if err := unix.Setns(int(ns.Fd()), unix.CLONE_NEWNET); err != nil {
		runtime.UnlockOSThread()
		return nil, fmt.Errorf("setns %s: %w", nsPath, err)
	}
	conn, dialErr := net.DialTimeout("tcp", target, 5*time.Second)
	if err := unix.Setns(int(own.Fd()), unix.CLONE_NEWNET); err != nil {
		// The thread stays in the wrong namespace: keep it locked so the runtime retires it.
		return conn, dialErr
	}
	runtime.UnlockOSThread()
	return conn, dialErr
}
