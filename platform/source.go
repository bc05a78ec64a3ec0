package platform

import (
	"encoding/json"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// SourceFromContext collects the stack config Pulumi gave the program. The Go SDK offers no way
// to list config keys, so the key names come from PULUMI_CONFIG, the variable through which the
// engine (and the offline plan) passes config to Go programs; values and secrecy come from ctx.
func SourceFromContext(ctx *pulumi.Context) Source {
	src := Source{Stack: ctx.Stack(), Values: map[string]string{}, Secret: map[string]bool{}}
	keys := map[string]bool{keyRegion: true}
	for _, k := range Keys {
		keys[nsKey(k)] = true
	}
	var all map[string]string
	if err := json.Unmarshal([]byte(os.Getenv(pulumi.EnvConfig)), &all); err == nil {
		for k := range all {
			keys[k] = true
		}
	}
	for k := range keys {
		if v, ok := ctx.GetConfig(k); ok {
			src.Values[k] = v
			src.Secret[k] = ctx.IsConfigSecret(k)
		}
	}
	if !ctx.RunningWithMocks() {
		// Pulumi marks a key secret when any entry of it is; the stack file tells them apart.
		// (The offline plan reads the stack file itself, before it runs the program.)
		root := ctx.RootDirectory()
		if root == "" {
			root = "."
		}
		src.SecretEntries = SecretEntriesOf(root, ctx.Stack())
	}
	return src
}
