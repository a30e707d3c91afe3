// Command policy is the project's Pulumi policy pack: the rules of pkg/policy, all mandatory (see policy/pack).
//
//	pulumi preview --policy-pack policy
package main

import (
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"

	"github.com/multi-region-ha/multi-region-ha/policy/pack"
)

func main() {
	if err := policyx.Main(pack.NewPack); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
