// Command policy is the project's Pulumi policy pack: the rules of pkg/policy, all mandatory,
// served over the analyzer protocol by policy/pack (not policyx, which cannot answer
// `pulumi policy publish` before a stack is configured: pulumi/pulumi#24646).
//
//	pulumi preview --policy-pack policy          # a local preview or update, from the project root
//	go run ./policy/bundle --out <dir>           # then, in <dir>: pulumi policy publish <org>
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"

	"github.com/multi-region-ha/multi-region-ha/policy/pack"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := pack.Serve(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
