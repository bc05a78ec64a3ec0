package report_test

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/fixtures"
	"github.com/secure-vpc/secure-vpc/policy"
	"github.com/secure-vpc/secure-vpc/report"
)

// The same infrastructure gives the same report, byte for byte, in every format, whatever the
// order of the resources in the export (pulumi stack export's order is not a contract).
func TestReportIgnoresResourceOrder(t *testing.T) {
	for _, stack := range fixtures.Stacks {
		render := func(shuffle uint64) map[string]string {
			e := fixtures.Plan(t, stack)
			if shuffle != 0 {
				rs := e.Deployment.Resources
				r := rand.New(rand.NewPCG(shuffle, shuffle))
				r.Shuffle(len(rs), func(i, j int) { rs[i], rs[j] = rs[j], rs[i] })
			}
			rep := report.Build("t", e, policy.Evaluate(e))
			out := map[string]string{}
			for _, f := range []string{report.FormatText, report.FormatJSON, report.FormatMarkdown} {
				var b bytes.Buffer
				require.NoError(t, rep.Write(&b, f))
				out[f] = b.String()
			}
			return out
		}
		shuffled := fixtures.Plan(t, stack)
		rs := shuffled.Deployment.Resources
		rand.New(rand.NewPCG(7, 7)).Shuffle(len(rs), func(i, j int) { rs[i], rs[j] = rs[j], rs[i] })
		d := report.Compare("a", fixtures.Plan(t, stack), "b", shuffled)
		assert.Empty(t, d.Changes, "%s: the same stack in another order is no change", stack)
		assert.False(t, d.Widens(), stack)

		want := render(0)
		for seed := uint64(1); seed <= 3; seed++ {
			got := render(seed)
			for f := range want {
				assert.Equal(t, want[f], got[f], "%s, %s, shuffle %d", stack, f, seed)
			}
		}
	}
}
