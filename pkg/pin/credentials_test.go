package pin

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Without credentials pin says what to set, in one line, before any other AWS call, and exits 3.
func TestPinChecksTheCredentialsFirst(t *testing.T) {
	committed, err := os.ReadFile("../../Pulumi.prod.yaml")
	require.NoError(t, err)
	f := &fakeAccount{stsErr: errors.New("operation error STS: GetCallerIdentity, get identity: get credentials: failed to refresh cached credentials, no EC2 IMDS role found, operation error ec2imds: GetMetadata, http response error StatusCode: 404, request to EC2 IMDS failed")}
	withFake(t, f)
	dir := project(t, "prod", string(committed))
	for _, args := range [][]string{{"--stack", "prod", "--dir", dir}, {"--stack", "prod", "--dir", dir, "--images"}} {
		f.calls = nil
		var out, errOut bytes.Buffer
		assert.Equal(t, ExitNotReady, Main(args, &out, &errOut), args)
		assert.Equal(t, []string{"sts:GetCallerIdentity"}, f.calls, "nothing else is asked")
		assert.Equal(t, "pin: no AWS credentials found: set AWS_PROFILE", errOut.String()[:len("pin: no AWS credentials found: set AWS_PROFILE")])
		assert.NotContains(t, errOut.String(), "ec2imds")
		assert.Empty(t, out.String())
	}
}

func TestPinJSON(t *testing.T) {
	committed, err := os.ReadFile("../../Pulumi.prod.yaml")
	require.NoError(t, err)
	withFake(t, &fakeAccount{account: "123456789012"})
	dir := project(t, "prod", string(committed))
	var out, errOut bytes.Buffer
	require.Equal(t, ExitOK, Main([]string{"--stack", "prod", "--dir", dir, "--images", "--dry-run", "--json"}, &out, &errOut), errOut.String())
	var r map[string]any
	require.NoError(t, json.Unmarshal(out.Bytes(), &r), out.String())
	assert.Equal(t, "prod", r["stack"])
	assert.Equal(t, filepath.Join(dir, "Pulumi.prod.yaml"), r["file"])
	assert.Equal(t, "123456789012", r["account"])
	assert.Equal(t, true, r["changed"])
	assert.Equal(t, false, r["written"], "--dry-run writes nothing")
	assert.Contains(t, r["diff"], "+       us-east-1: ami-")
	images := r["values"].(map[string]any)["amiIds"].(map[string]any)
	assert.Len(t, images, 2)
	unchanged, _ := os.ReadFile(filepath.Join(dir, "Pulumi.prod.yaml"))
	assert.Equal(t, committed, unchanged)
}
