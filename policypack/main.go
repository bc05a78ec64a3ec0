// Command policypack serves the secure-vpc policy pack (package pack) to the Pulumi engine:
// pulumi preview --policy-pack policypack. The Go language host builds it from this directory
// (PulumiPolicy.yaml: runtime go) and runs it with the engine's address; it prints the port of
// its analyzer server and serves until the engine stops it.
package main

import (
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"

	"github.com/secure-vpc/secure-vpc/policypack/pack"
)

func main() {
	if err := policyx.Main(pack.New); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
