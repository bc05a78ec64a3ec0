package repo

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/secure-vpc/secure-vpc/internal/fixtures"
)

// TestRepositoryHoldsNoCredentials fails the build when a stack file or workflow holds a
// credential in plaintext.
func TestRepositoryHoldsNoCredentials(t *testing.T) {
	leaks, err := ScanTree(fixtures.ProjectDir())
	assert.NoError(t, err)
	for _, l := range leaks {
		t.Errorf("credential-like string committed: %s", l)
	}
}

// The samples are assembled at run time, so that this file itself holds none of them.
func TestScanFileCatchesCredentials(t *testing.T) {
	cases := []struct {
		file, text, want string
	}{
		{"Pulumi.dev.yaml", "  secure-vpc:dbPassword: hunter2hunter2", `plaintext value for "secure-vpc:dbPassword"`},
		{"Pulumi.dev.yaml", "    payments-api-key: sk_live_not_a_real_one", `plaintext value for "payments-api-key"`},
		{".github/workflows/x.yml", "          api_key: abcdef" + strings.Repeat("0", 10), `plaintext value for "api_key"`},
	}
	for _, tc := range cases {
		leaks := ScanFile(tc.file, []byte(tc.text))
		if assert.Len(t, leaks, 1, tc.text) {
			assert.Contains(t, leaks[0].What, tc.want)
			assert.Equal(t, 1, leaks[0].Line)
		}
	}
	for _, clean := range []string{
		"  secure-vpc:secretValues:\n    payments-api-key:\n      secure: v1:AAAA",
		"      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n          role-to-assume: ${{ vars.AWS_ROLE_ARN }}",
		"    github-token: ${{ secrets.GITHUB_TOKEN }}",
		"  secure-vpc:secrets:\n    payments-api-key:\n      readers: [orders]",
	} {
		assert.Empty(t, ScanFile("Pulumi.dev.yaml", []byte(clean)), clean)
	}
	assert.Empty(t, ScanFile("main.go", []byte(`password := "not-yaml"`)), "only YAML: other files are gitleaks' to scan")
}
