package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"

	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
)

// exitCodeAlreadyReported is the exit code @pulumi/pulumi's runner uses when the program failed but the error
// was already sent to the engine as a diagnostic. The engine must then stop without printing another,
// generic error: that is what RunResponse.Bail means.
const exitCodeAlreadyReported = 32

// host implements pulumirpc.LanguageRuntimeServer. Every method not defined here answers Unimplemented through
// the embedded type; the engine treats that as "this language does not support the feature".
type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	mu            sync.Mutex
	engineAddress string
	children      map[*exec.Cmd]struct{}
}

func newHost(engineAddress string) *host {
	return &host{engineAddress: engineAddress, children: map[*exec.Cmd]struct{}{}}
}

// Handshake is called by engines that attach to an already running host (PULUMI_DEBUG_LANGUAGES). The engine
// address may come only from here in that case, so keep it.
func (h *host) Handshake(
	_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if req.GetEngineAddress() != "" {
		h.engineAddress = req.GetEngineAddress()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

// GetPluginInfo reports the version the binary was stamped with by the release ldflags (-X ...version.Version),
// the same stamp as the CLI, so `pulumi about` and plugin checks see one version.
func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	v := strings.TrimPrefix(version.Version, "v")
	if v == "" {
		v = "0.0.0-dev"
	}
	return &pulumirpc.PluginInfo{Version: v}, nil
}

// GetRequiredPlugins and GetRequiredPackages let the engine pre-install resource plugins that npm packages
// declare. This project's programs only use dynamic providers, whose plugin (pulumi-resource-pulumi-nodejs) the
// engine finds on PATH when the first dynamic resource is registered, so there is nothing to announce. Returning
// an empty list (rather than Unimplemented) keeps the engine from falling back to guessing.
func (h *host) GetRequiredPlugins(
	context.Context, *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *host) GetRequiredPackages(
	context.Context, *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

// programLocation works out where the program lives. Current engines send ProgramInfo; the older flat fields
// (Pwd, Program) are kept as a fallback because they are still filled in.
func programLocation(req *pulumirpc.RunRequest) (rootDir, programDir, entry string) {
	info := req.GetInfo()
	rootDir = info.GetRootDirectory()
	programDir = info.GetProgramDirectory()
	entry = info.GetEntryPoint()
	if programDir == "" {
		programDir = req.GetPwd()
	}
	if entry == "" {
		entry = req.GetProgram() //nolint:staticcheck // fallback for engines without ProgramInfo
	}
	if entry == "" {
		entry = "."
	}
	if rootDir == "" {
		rootDir = programDir
	}
	return rootDir, programDir, entry
}

// findInNodeModules walks up from dir like Node's resolver does for a bare specifier and returns the first
// node_modules/<rel> that exists. os.Stat follows symlinks, so a symlinked node_modules (as the e2e harness
// uses) works.
func findInNodeModules(dir, rel string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		candidate := filepath.Join(dir, "node_modules", rel)
		if _, err := os.Stat(candidate); err == nil {
			return candidate, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("%s not found in any node_modules above %s", rel, dir)
		}
		dir = parent
	}
}

// runtimeOptions reads the `runtime.options` of Pulumi.yaml that matter here.
type runtimeOptions struct {
	typescript bool     // run .ts through ts-node (default true, as Pulumi documents)
	tsconfig   string   // PULUMI_NODEJS_TSCONFIG_PATH for the runner
	nodeargs   []string // extra flags for node itself
}

func parseRuntimeOptions(req *pulumirpc.RunRequest) runtimeOptions {
	opts := runtimeOptions{typescript: true}
	if req.GetInfo().GetOptions() == nil {
		return opts
	}
	m := req.GetInfo().GetOptions().AsMap()
	switch v := m["typescript"].(type) {
	case bool:
		opts.typescript = v
	case string:
		opts.typescript = v != "false"
	}
	if v, ok := m["tsconfig"].(string); ok {
		opts.tsconfig = v
	}
	if v, ok := m["nodeargs"].(string); ok {
		opts.nodeargs = strings.Fields(v)
	}
	return opts
}

// Run executes the program: node <nodeargs> <@pulumi/pulumi/cmd/run> <flags> <program> <args>. The flags and
// environment variables are the ones the runner's own usage text documents (cmd/run/index.js, run.js and
// runtime/config.js in the npm package): --monitor/--engine/--project/... as flags, the stack config as JSON in
// PULUMI_CONFIG, the secret keys as a JSON array in PULUMI_CONFIG_SECRET_KEYS, TypeScript via
// PULUMI_NODEJS_TYPESCRIPT.
func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	rootDir, programDir, entry := programLocation(req)
	opts := parseRuntimeOptions(req)

	// The runner must come from the program's own node_modules: the program's `require("@pulumi/pulumi")` has
	// to load the very same copy, or the SDK's global state (the monitor connection, the stack resource) would
	// be split across two copies.
	runner, err := findInNodeModules(programDir, filepath.Join("@pulumi", "pulumi", "cmd", "run"))
	if err != nil {
		// Returned as a program error, not an RPC error: it is the user's project that is incomplete.
		return &pulumirpc.RunResponse{Error: fmt.Sprintf(
			"could not find @pulumi/pulumi's program runner (%v); install the project's dependencies "+
				"(npm install) before running pulumi", err)}, nil
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return &pulumirpc.RunResponse{Error: "could not find `node` on PATH: install Node.js"}, nil
	}

	h.mu.Lock()
	engineAddress := h.engineAddress
	h.mu.Unlock()

	args := append([]string{}, opts.nodeargs...)
	args = append(args, runner,
		"--monitor="+req.GetMonitorAddress(),
		"--project="+req.GetProject(),
		"--stack="+req.GetStack(),
		"--pwd="+programDir,
		"--root-directory="+rootDir,
		fmt.Sprintf("--parallel=%d", req.GetParallel()),
	)
	if engineAddress != "" {
		args = append(args, "--engine="+engineAddress)
	}
	if req.GetOrganization() != "" {
		args = append(args, "--organization="+req.GetOrganization())
	}
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	// The entry point as the engine gives it, relative to the program directory (--pwd), as Pulumi's own host
	// passes it (constructArguments, sdk/nodejs/cmd/pulumi-language-nodejs, 3.248). The runner treats "." as "no
	// entry point given" and then reads package.json's `exports` and `main` itself, and loads a `"type": "module"`
	// project through import(); an absolute path made it skip both, so an ES module project failed with "No
	// entrypoint found" and a CommonJS one whose entry point is in `exports` did not load.
	args = append(args, entry)
	args = append(args, req.GetArgs()...)

	config, err := json.Marshal(nonNilMap(req.GetConfig()))
	if err != nil {
		return nil, err
	}
	secretKeys, err := json.Marshal(nonNilSlice(req.GetConfigSecretKeys()))
	if err != nil {
		return nil, err
	}
	env := append(os.Environ(),
		"PULUMI_CONFIG="+string(config),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretKeys),
		fmt.Sprintf("PULUMI_NODEJS_TYPESCRIPT=%t", opts.typescript),
	)
	if opts.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+opts.tsconfig)
	}

	cmd := exec.Command(node, args...)
	cmd.Dir = programDir
	cmd.Env = env
	// The engine reads this host's stdout/stderr and shows them as the program's output, so the child simply
	// inherits them. Stdin stays closed: a program must never wait for input under the engine.
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr

	code, err := h.runChild(ctx, cmd)
	switch {
	case err != nil:
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("running the program failed: %v", err)}, nil
	case code == 0:
		return &pulumirpc.RunResponse{}, nil
	case code == exitCodeAlreadyReported:
		return &pulumirpc.RunResponse{Bail: true}, nil
	default:
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", code)}, nil
	}
}

// runChild starts cmd, tracks it so Cancel and shutdown can stop it, and waits. It returns the exit code, or an
// error when the process could not be started or was killed by a signal.
func (h *host) runChild(ctx context.Context, cmd *exec.Cmd) (int, error) {
	if err := cmd.Start(); err != nil {
		return -1, err
	}
	h.mu.Lock()
	h.children[cmd] = struct{}{}
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		delete(h.children, cmd)
		h.mu.Unlock()
	}()

	// A cancelled RPC (the engine gave up on the run) must not leave node running against a dead monitor.
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-ctx.Done():
			_ = cmd.Process.Signal(syscall.SIGTERM)
		case <-done:
		}
	}()

	err := cmd.Wait()
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return -1, fmt.Errorf("the node process was stopped by signal %v", ws.Signal())
		}
		return exitErr.ExitCode(), nil
	}
	if err != nil {
		return -1, err
	}
	return 0, nil
}

func (h *host) killChildren() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for cmd := range h.children {
		if cmd.Process != nil {
			_ = cmd.Process.Signal(syscall.SIGTERM)
		}
	}
}

// Cancel is the engine asking for a graceful stop (Ctrl-C during an update).
func (h *host) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	h.killChildren()
	return &emptypb.Empty{}, nil
}

// About feeds `pulumi about`: which node runs the programs.
func (h *host) About(ctx context.Context, _ *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, errors.New("could not find `node` on PATH")
	}
	out, err := exec.CommandContext(ctx, node, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("node --version: %w", err)
	}
	return &pulumirpc.AboutResponse{
		Executable: node,
		Version:    strings.TrimPrefix(strings.TrimSpace(string(out)), "v"),
	}, nil
}

// GetProgramDependencies feeds `pulumi about` and update metadata: the direct dependencies in the program's
// package.json with the versions actually installed (read from node_modules/<name>/package.json).
func (h *host) GetProgramDependencies(
	_ context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	dir := req.GetInfo().GetProgramDirectory()
	if dir == "" {
		dir = req.GetPwd() //nolint:staticcheck // fallback for engines without ProgramInfo
	}
	var pkg struct {
		Dependencies    map[string]string `json:"dependencies"`
		DevDependencies map[string]string `json:"devDependencies"`
	}
	raw, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if err != nil {
		return nil, fmt.Errorf("reading package.json: %w", err)
	}
	if err := json.Unmarshal(raw, &pkg); err != nil {
		return nil, fmt.Errorf("parsing package.json: %w", err)
	}
	names := map[string]string{}
	for n, v := range pkg.Dependencies {
		names[n] = v
	}
	for n, v := range pkg.DevDependencies {
		names[n] = v
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)

	resp := &pulumirpc.GetProgramDependenciesResponse{}
	for _, n := range sorted {
		version := names[n] // the declared range, when the package is not installed
		if p, err := findInNodeModules(dir, filepath.Join(n, "package.json")); err == nil {
			var installed struct {
				Version string `json:"version"`
			}
			if b, err := os.ReadFile(p); err == nil && json.Unmarshal(b, &installed) == nil && installed.Version != "" {
				version = installed.Version
			}
		}
		resp.Dependencies = append(resp.Dependencies, &pulumirpc.DependencyInfo{Name: n, Version: version})
	}
	return resp, nil
}

// InstallDependencies backs `pulumi install` (and `pulumi new`): run `npm install` in the program directory and
// stream its output back line by line, as the protocol asks.
func (h *host) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest,
	stream pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	dir := req.GetInfo().GetProgramDirectory()
	if dir == "" {
		dir = req.GetDirectory() //nolint:staticcheck // fallback for engines without ProgramInfo
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		return errors.New("could not find `npm` on PATH: install Node.js")
	}
	cmd := exec.Command(npm, "install")
	cmd.Dir = dir
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}

	var sendMu sync.Mutex
	var wg sync.WaitGroup
	forward := func(r io.Reader, toStderr bool) {
		defer wg.Done()
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			line := append(sc.Bytes(), '\n')
			msg := &pulumirpc.InstallDependenciesResponse{}
			if toStderr {
				msg.Stderr = line
			} else {
				msg.Stdout = line
			}
			sendMu.Lock()
			_ = stream.Send(msg) // a client that went away only loses progress output
			sendMu.Unlock()
		}
	}
	wg.Add(2)
	go forward(stdout, false)
	go forward(stderr, true)

	if err := cmd.Start(); err != nil {
		return err
	}
	wg.Wait() // drain the pipes before Wait closes them
	code, err := h.runStarted(stream.Context(), cmd)
	if err != nil {
		return err
	}
	if code != 0 {
		return fmt.Errorf("npm install exited with code %d", code)
	}
	return nil
}

// runStarted waits for an already started command (used where pipes must be drained first).
func (h *host) runStarted(_ context.Context, cmd *exec.Cmd) (int, error) {
	err := cmd.Wait()
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		return exitErr.ExitCode(), nil
	}
	return 0, err
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func nonNilSlice(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
