// Package iampolicy builds IAM and resource policy documents as typed Go values, so policies are
// checked by the compiler and by table tests instead of being hand-written JSON strings.
package iampolicy

import "encoding/json"

// Document is an IAM policy document.
type Document struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one policy statement. Principal is nil for identity policies.
type Statement struct {
	Sid       string         `json:"Sid,omitempty"`
	Effect    string         `json:"Effect"`
	Principal map[string]any `json:"Principal,omitempty"`
	Action    []string       `json:"Action,omitempty"`
	// NotAction matches every action but these (set it instead of Action).
	NotAction []string                  `json:"NotAction,omitempty"`
	Resource  []string                  `json:"Resource,omitempty"`
	Condition map[string]map[string]any `json:"Condition,omitempty"`
}

// New returns a document with the current policy language version.
func New(statements ...Statement) Document {
	return Document{Version: "2012-10-17", Statement: statements}
}

// JSON renders the document. Rendering plain Go values cannot fail.
func (d Document) JSON() string {
	b, err := json.Marshal(d)
	if err != nil {
		panic("iampolicy: " + err.Error())
	}
	return string(b)
}

// Service is the principal of an AWS service, e.g. Service("logs.us-east-1.amazonaws.com").
func Service(names ...string) map[string]any { return map[string]any{"Service": names} }

// AWS is the principal of AWS accounts or roles.
func AWS(arns ...string) map[string]any { return map[string]any{"AWS": arns} }

// AllPrincipals is "*", used only together with a Deny or a narrowing condition.
func AllPrincipals() map[string]any { return map[string]any{"AWS": "*"} }

// AssumeRole is the trust policy letting service assume a role, limited to one account
// (confused-deputy protection through aws:SourceAccount).
func AssumeRole(service, accountID string) Document {
	st := Statement{
		Effect:    "Allow",
		Principal: Service(service),
		Action:    []string{"sts:AssumeRole"},
	}
	if accountID != "" {
		st.Condition = map[string]map[string]any{"StringEquals": {"aws:SourceAccount": accountID}}
	}
	return New(st)
}

// AssumeRoleFrom is AssumeRole narrowed further to the service's resources matching sourceArn
// (aws:SourceArn, ArnLike), as AWS recommends for services that send it, such as VPC flow logs
// ("arn:aws:ec2:<region>:<account>:vpc-flow-log/*"). Do not use it for ec2.amazonaws.com instance
// roles: EC2 sends no source ARN when it assumes them.
func AssumeRoleFrom(service, accountID, sourceArn string) Document {
	doc := AssumeRole(service, accountID)
	if sourceArn != "" {
		if doc.Statement[0].Condition == nil {
			doc.Statement[0].Condition = map[string]map[string]any{}
		}
		doc.Statement[0].Condition["ArnLike"] = map[string]any{"aws:SourceArn": sourceArn}
	}
	return doc
}

// DenyInsecureTransport is the statement every bucket policy carries: no request over plain HTTP.
func DenyInsecureTransport(bucketArn string) Statement {
	return Statement{
		Sid:       "DenyInsecureTransport",
		Effect:    "Deny",
		Principal: AllPrincipals(),
		Action:    []string{"s3:*"},
		Resource:  []string{bucketArn, bucketArn + "/*"},
		Condition: map[string]map[string]any{"Bool": {"aws:SecureTransport": "false"}},
	}
}
