//go:build tools

// Package tools pins the etcd server that kroute's tests build; nothing here ships.
package tools

import _ "go.etcd.io/etcd/server/v3"
