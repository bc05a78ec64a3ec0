package policydoc_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/policydoc"
)

func TestParseNormalisesStringsToLists(t *testing.T) {
	doc, err := policydoc.Parse(`{"Version":"2012-10-17","Statement":{"Sid":"One","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/r","Service":["logs.amazonaws.com"]},` +
		`"Action":"s3:GetObject","Resource":["a","b"],"Condition":{"Bool":{"aws:SecureTransport":"false"},"bad":"x"}}}`)
	require.NoError(t, err)
	require.Len(t, doc.Statement, 1, "a single statement object is a list of one")
	st := doc.Statement[0]
	assert.Equal(t, "One", st.Sid)
	assert.Equal(t, []string{"s3:GetObject"}, st.Action)
	assert.Equal(t, []string{"a", "b"}, st.Resource)
	assert.Equal(t, map[string][]string{"AWS": {"arn:aws:iam::123456789012:role/r"}, "Service": {"logs.amazonaws.com"}}, st.Principals())
	assert.Equal(t, map[string]map[string]any{"Bool": {"aws:SecureTransport": "false"}}, st.Condition, "a malformed operator is dropped")

	anyone, err := policydoc.Parse(`{"Statement":[{"Effect":"Deny","Principal":"*","Action":"*"}]}`)
	require.NoError(t, err)
	assert.Equal(t, map[string][]string{"*": {"*"}}, anyone.Statement[0].Principals())

	_, err = policydoc.Parse("not json")
	assert.Error(t, err)
	_, err = policydoc.Parse(`{"Statement":"nope"}`)
	assert.Error(t, err)
}

func TestRenderAndParseAgree(t *testing.T) {
	doc := policydoc.New(policydoc.Statement{Sid: "Read", Effect: policydoc.Allow, Principal: policydoc.AWSPrincipal("arn:aws:iam::1:role/a"),
		Action: []string{"secretsmanager:GetSecretValue"}, Resource: []string{"*"}})
	text, err := doc.JSON()
	require.NoError(t, err)
	back, err := policydoc.Parse(text)
	require.NoError(t, err)
	assert.Equal(t, []string{"arn:aws:iam::1:role/a"}, back.Statement[0].Principals()["AWS"])
	_, err = policydoc.Document{}.JSON()
	assert.Error(t, err, "a policy needs a statement")
	assert.Nil(t, policydoc.StringList(3))
}

// NotPrincipal, NotAction and NotResource are read, rendered, and reported as negated.
func TestNegatedElements(t *testing.T) {
	cases := []struct {
		text, want string
	}{
		{`{"Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}`, "NotAction"},
		{`{"Statement":[{"Effect":"Allow","Action":"s3:*","NotResource":["arn:aws:s3:::a/*"]}]}`, "NotResource"},
		{`{"Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::1:role/a"},"Action":"*","Resource":"*"}]}`, "NotPrincipal"},
		{`{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`, ""},
	}
	for _, tc := range cases {
		doc, err := policydoc.Parse(tc.text)
		require.NoError(t, err)
		assert.Equal(t, tc.want, doc.Statement[0].Negated(), tc.text)
	}
	text, err := policydoc.New(policydoc.Statement{Effect: policydoc.Deny, Principal: policydoc.AnyPrincipal, NotAction: []string{"secretsmanager:GetSecretValue"}, Resource: []string{"*"}}).JSON()
	require.NoError(t, err)
	assert.Equal(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","NotAction":["secretsmanager:GetSecretValue"],"Resource":["*"]}]}`, text, "no empty Action")
}
