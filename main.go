// Command secure-vpc is the Pulumi program: `pulumi up` runs it. Everything it does lives in
// platform.Deploy, so the offline plan and the tests run exactly the same program.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-vpc/secure-vpc/platform"
)

func main() {
	pulumi.Run(platform.Deploy)
}
