package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// IdentityFunc asks AWS whose credentials these are (STS GetCallerIdentity in region) and returns
// the account id. The commands pass a closure over their SDK client, so this package links no AWS
// SDK: the offline commands (plan, guardrails) that use it stay free of it.
type IdentityFunc func(ctx context.Context, region string) (account string, err error)

// CredentialsHelp says what an operator sets for the AWS SDK's default credential chain.
const CredentialsHelp = "set AWS_PROFILE to a profile of ~/.aws/config (for SSO run `aws sso login --profile NAME` first), " +
	"or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (plus AWS_SESSION_TOKEN for temporary credentials), " +
	"or run where an instance or task role is attached"

// CheckCredentials confirms the credentials before a command makes any other AWS call: it asks STS
// in each region in turn (the first that answers wins, so a dark region does not stop a check in
// the other) and returns the account. A failure is an ErrNotReady error that says what to set.
func CheckCredentials(ctx context.Context, identity IdentityFunc, regions ...string) (string, error) {
	if len(regions) == 0 {
		regions = []string{"us-east-1"}
	}
	var last error
	var asked []string
	for _, region := range regions {
		account, err := identity(ctx, region)
		if err == nil {
			return account, nil
		}
		asked = append(asked, region)
		last = explainCredentials(err, strings.Join(asked, " and "))
		if !retryable(err) {
			break
		}
	}
	return "", last
}

// explainCredentials turns an SDK error into one sentence with the fix, never the SDK's chain.
func explainCredentials(err error, regions string) error {
	code, msg := apiError(err)
	text := err.Error()
	switch {
	case code == "ExpiredToken" || code == "ExpiredTokenException" || code == "RequestExpired" ||
		strings.Contains(text, "token has expired") || strings.Contains(text, "SSO session") && strings.Contains(text, "expired"):
		return NotReady("AWS credentials have expired (%s): refresh them (`aws sso login --profile NAME`, or new temporary keys), then retry", short(code, msg, text))
	case code == "InvalidClientTokenId" || code == "SignatureDoesNotMatch" || code == "UnrecognizedClientException" || code == "AccessDenied":
		return NotReady("AWS rejected the credentials (%s): check AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY; %s", short(code, msg, text), CredentialsHelp)
	case noCredentials(text):
		return NotReady("no AWS credentials found: %s", CredentialsHelp)
	}
	return NotReady("could not confirm the AWS credentials with STS GetCallerIdentity in %s (%s): %s", regions, short(code, msg, text), CredentialsHelp)
}

// noCredentials recognises the SDK's "the chain found nothing" errors (no keys, no profile, no
// instance role behind the metadata service).
func noCredentials(text string) bool {
	for _, s := range []string{
		"failed to retrieve credentials", "failed to refresh cached credentials", "no EC2 IMDS role found",
		"get credentials", "static credentials are empty", "failed to get shared config profile",
		"AnonymousCredentials", "anonymous credentials",
	} {
		if strings.Contains(text, s) {
			return true
		}
	}
	return false
}

// retryable: an error of the region (network, throttling) is worth asking the next region; an
// error of the credentials is the same in every region.
func retryable(err error) bool {
	code, _ := apiError(err)
	if code != "" {
		return code == "Throttling" || code == "ServiceUnavailable" || code == "InternalFailure" || code == "RegionDisabledException"
	}
	return !noCredentials(err.Error())
}

// apiError reads the code and message of an AWS API error (smithy.APIError) without linking it.
func apiError(err error) (code, message string) {
	var api interface {
		ErrorCode() string
		ErrorMessage() string
	}
	if errors.As(err, &api) {
		return api.ErrorCode(), api.ErrorMessage()
	}
	return "", ""
}

// short is the part of an SDK error an operator needs: the API code and message, or the last link
// of the chain.
func short(code, message, text string) string {
	if code != "" {
		if message != "" {
			return code + ": " + message
		}
		return code
	}
	if i := strings.LastIndex(text, ": "); i >= 0 && i+2 < len(text) {
		text = text[i+2:]
	}
	if len(text) > 200 {
		text = text[:200] + "..."
	}
	return fmt.Sprint(text)
}
