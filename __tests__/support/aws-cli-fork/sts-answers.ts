/** STS query-protocol answers (XML) for the local endpoints that drive the AWS CLI fork's test and bench. */
export const identityXml = (account: string, user = 'drill') =>
  '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
  `<Arn>arn:aws:iam::${account}:user/${user}</Arn><UserId>AIDAEXAMPLE</UserId><Account>${account}</Account>` +
  '</GetCallerIdentityResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>';

export const DENIED_XML =
  '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code>' +
  '<Message>not for this key</Message></Error><RequestId>r-2</RequestId></ErrorResponse>';
