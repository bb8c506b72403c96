//go:build tools

// Package tools records the main packages this module builds, so `go mod tidy`
// keeps their dependencies in go.sum. Our own language host
// (./cmd/pulumi-language-nodejs) is a package of this module and needs no entry.
package tools

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
)
