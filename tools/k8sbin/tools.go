//go:build tools

// Package tools pins the control-plane binaries that kroute's tests build; nothing here ships.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
)
