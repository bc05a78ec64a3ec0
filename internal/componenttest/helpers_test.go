package componenttest

import (
	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/mockcloud"
	"github.com/secure-vpc/secure-vpc/internal/stack"
	"github.com/secure-vpc/secure-vpc/internal/testkit"
)

// testScope is the scope components run in alone: the project in testkit's stack and region, in
// the mock's account, unprotected (dev). protected is the same with protect (staging, prod).
var (
	testScope = stack.Scope{Project: contract.Project, Stack: testkit.ComponentStack, Region: testkit.ComponentRegion, AccountID: mockcloud.AccountID}
	protected = stack.Scope{Project: contract.Project, Stack: testkit.ComponentStack, Region: testkit.ComponentRegion, AccountID: mockcloud.AccountID, Protect: true}
)
