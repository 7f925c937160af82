// The lab's CoreDNS: the upstream coredns module at the version kubeadm 1.34 deploys, built with only
// the plugins that kubeadm's Corefile uses. This file is all of it: upstream's own main package
// (coredns.go) imports core/plugin, which pulls in every plugin and its cloud SDKs; here the plugin
// list and the directive order are set explicitly, as CoreDNS documents for custom builds.
package main

import (
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/coremain"

	// The plugins named in kubeadm's Corefile, nothing else.
	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/forward"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/loadbalance"
	_ "github.com/coredns/coredns/plugin/loop"
	_ "github.com/coredns/coredns/plugin/metrics"
	_ "github.com/coredns/coredns/plugin/ready"
	_ "github.com/coredns/coredns/plugin/reload"
)

// directives is the order in which the plugins handle a query. It must keep the relative order of
// upstream's core/dnsserver/zdirectives.go (generated from plugin.cfg): the order in the Corefile
// does not matter, this list does. The prometheus directive lives in package plugin/metrics.
var directives = []string{
	"reload",
	"ready",
	"health",
	"prometheus",
	"errors",
	"loadbalance",
	"cache",
	"kubernetes",
	"loop",
	"forward",
}

func init() {
	dnsserver.Directives = directives
}

func main() {
	coremain.Run()
}
