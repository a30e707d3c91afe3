package pack

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

// engineHealthInterval is how often the plugin checks that the engine that started it is alive.
const engineHealthInterval = 5 * time.Second

// Serve runs the pack as an analyzer plugin, the way the Pulumi CLI starts one: it listens on a
// free loopback port, writes that port as the first line of stdout (the CLI reads it byte by byte
// up to the newline, then dials 127.0.0.1:<port>), and serves until the engine whose address is
// the first argument goes away or ctx ends. Without an argument (a test, a debugger) it serves
// until ctx ends. rpcutil gives it the engine's 400 MB message limit and a health service.
func Serve(ctx context.Context, args []string, stdout io.Writer) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if len(args) > 0 && args[0] != "" {
		if err := rpcutil.Healthcheck(ctx, args[0], engineHealthInterval, cancel); err != nil {
			return fmt.Errorf("policy pack: watching the engine at %s: %w", args[0], err)
		}
	}
	stop := make(chan bool)
	go func() {
		<-ctx.Done()
		close(stop)
	}()
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: stop,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterAnalyzerServer(srv, NewServer(""))
			return nil
		},
	})
	if err != nil {
		return fmt.Errorf("policy pack: %w", err)
	}
	if _, err := fmt.Fprintf(stdout, "%d\n", handle.Port); err != nil {
		cancel()
		return fmt.Errorf("policy pack: announcing the port: %w", err)
	}
	if err := <-handle.Done; err != nil {
		return fmt.Errorf("policy pack: %w", err)
	}
	return nil
}
