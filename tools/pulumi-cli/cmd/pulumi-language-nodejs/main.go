// Command pulumi-language-nodejs is a small Node.js language host for the Pulumi engine.
//
// Why this exists: the engine does not run a Node.js program itself. It starts a "language plugin" named
// pulumi-language-<runtime> (found on PATH or beside the pulumi binary), reads one line from its stdout (the
// TCP port of a gRPC server), and then calls the pulumirpc.LanguageRuntime service on that port. Pulumi's own
// Node.js host lives in a Go module that the module proxy reachable here does not serve, so this project ships
// its own minimal host, written against the public protocol in github.com/pulumi/pulumi/sdk/v3/proto/go.
//
// What it does: Run starts `node` on the program runner that the @pulumi/pulumi npm package ships
// (node_modules/@pulumi/pulumi/cmd/run), which connects back to the engine's resource monitor. Everything that
// is language-specific (TypeScript via ts-node, closure serialization of dynamic providers, config parsing) is
// done by that npm package; this host only builds its command line and environment and maps its exit code.
//
// Scope: enough for preview/up/refresh/destroy/import/stack commands of a Node.js program. Code generation,
// `pulumi new` prompts, packing SDKs and running plugins written in Node.js are answered "unimplemented".
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

func main() {
	// `--version` lets scripts/pulumi-install.sh check a cached binary without speaking gRPC to it.
	if len(os.Args) == 2 && (os.Args[1] == "--version" || os.Args[1] == "-version") {
		fmt.Println(version.Version)
		return
	}
	if err := serve(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: %v\n", err)
		os.Exit(1)
	}
}

// parseArgs extracts the engine address from the command line. The engine passes it as the last positional
// argument (and nothing else today). Older and newer engines have passed flags such as -tracing or -root before
// it; they are accepted and ignored so a flag we do not know never stops the host from starting.
func parseArgs(args []string) (engineAddress string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a, "-") {
			// "-flag value" form: skip the value too unless it is given as -flag=value.
			if !strings.Contains(a, "=") && i+1 < len(args)-1 {
				i++
			}
			continue
		}
		engineAddress = a
	}
	return engineAddress
}

func serve(args []string) error {
	engineAddress := parseArgs(args)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	// If the engine dies without killing us, a host left behind would hold a port and possibly a node child.
	// Watch the engine's health endpoint and stop when it goes away, as plugins are expected to.
	if engineAddress != "" {
		if err := rpcutil.Healthcheck(ctx, engineAddress, 5*time.Minute, cancel); err != nil {
			return fmt.Errorf("could not start the engine health check: %w", err)
		}
	}

	host := newHost(engineAddress)

	// The engine kills plugins with SIGKILL at the end of a command, but an interactive Ctrl-C reaches the
	// whole process group first: stop the node child cleanly then.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case <-sigs:
			host.killChildren()
			cancel()
		case <-ctx.Done():
		}
	}()

	stop := make(chan bool)
	go func() {
		<-ctx.Done()
		host.killChildren()
		close(stop)
	}()

	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: stop,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
	})
	if err != nil {
		return err
	}

	// The protocol: the first line on stdout is the port. Everything after it is program output that the
	// engine relays to the user.
	fmt.Printf("%d\n", handle.Port)

	return <-handle.Done
}
