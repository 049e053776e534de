/**
 * Field names, value kinds and relationships of the standard sObjects the sandbox serves.
 * Generated once from jsforce 3.10.16's sObject typings (MIT);
 * `!` marks a non-nillable field. User is trimmed of its preference and permission flags.
 */
export const RAW_SOBJECTS: Readonly<Record<string, { fields: string; parents: string; children: string }>> = {
  User: {
    fields:
      'Id:string!,Username:string!,LastName:string!,FirstName:string,Name:string!,CompanyName:string,Division:string' +
      ',Department:string,Title:string,Street:string,City:string,State:string,PostalCode:string,Country:string' +
      ',Latitude:number,Longitude:number,GeocodeAccuracy:string,Address:Address,Email:string!,SenderEmail:string' +
      ',SenderName:string,Signature:string,StayInTouchSubject:string,StayInTouchSignature:string' +
      ',StayInTouchNote:string,Phone:string,Fax:string,MobilePhone:string,Alias:string!,CommunityNickname:string!' +
      ',BadgeText:string,IsActive:boolean!,TimeZoneSidKey:string!,UserRoleId:string,LocaleSidKey:string!' +
      ',EmailEncodingKey:string!,ProfileId:string!,UserType:string,LanguageLocaleKey:string!,EmployeeNumber:string' +
      ',DelegatedApproverId:string,ManagerId:string,LastLoginDate:DateString,LastPasswordChangeDate:DateString' +
      ',CreatedDate:DateString!,CreatedById:string!,LastModifiedDate:DateString!,LastModifiedById:string!' +
      ',SystemModstamp:DateString!,ContactId:string,AccountId:string,CallCenterId:string,Extension:string' +
      ',PortalRole:string,IsPortalEnabled:boolean!,IsPortalSelfRegistered:boolean!,FederationIdentifier:string' +
      ',AboutMe:string,FullPhotoUrl:string,SmallPhotoUrl:string,IsExtIndicatorVisible:boolean!' +
      ',OutOfOfficeMessage:string,MediumPhotoUrl:string,DefaultGroupNotificationFrequency:string!' +
      ',LastViewedDate:DateString,LastReferencedDate:DateString,BannerPhotoUrl:string,SmallBannerPhotoUrl:string' +
      ',MediumBannerPhotoUrl:string,IsProfilePhotoActive:boolean!,IndividualId:string',
    parents:
      'UserRole>UserRole,Profile>Profile,Manager>User,CreatedBy>User,LastModifiedBy>User,Contact>Contact,Account>Account,Individual>Individual',
    children:
      'EmailMessageRelations>EmailMessageRelation,EventRelations>EventRelation,DelegatedUsers>User,ManagedUsers>User',
  },
  Account: {
    fields:
      'Id:string!,IsDeleted:boolean!,MasterRecordId:string,Name:string!,Type:string,ParentId:string' +
      ',BillingStreet:string,BillingCity:string,BillingState:string,BillingPostalCode:string,BillingCountry:string' +
      ',BillingLatitude:number,BillingLongitude:number,BillingGeocodeAccuracy:string,BillingAddress:Address' +
      ',ShippingStreet:string,ShippingCity:string,ShippingState:string,ShippingPostalCode:string' +
      ',ShippingCountry:string,ShippingLatitude:number,ShippingLongitude:number,ShippingGeocodeAccuracy:string' +
      ',ShippingAddress:Address,Phone:string,Fax:string,Website:string,PhotoUrl:string,Industry:string' +
      ',AnnualRevenue:number,NumberOfEmployees:number,Description:string,OwnerId:string!,CreatedDate:DateString!' +
      ',CreatedById:string!,LastModifiedDate:DateString!,LastModifiedById:string!,SystemModstamp:DateString!' +
      ',LastActivityDate:DateString,LastViewedDate:DateString,LastReferencedDate:DateString,IsCustomerPortal:boolean!' +
      ',Jigsaw:string,JigsawCompanyId:string,AccountSource:string,SicDesc:string',
    parents: 'MasterRecord>Account,Parent>Account,Owner>User,CreatedBy>User,LastModifiedBy>User',
    children:
      'ChildAccounts>Account,ActivityHistories>ActivityHistory,Contacts>Contact,Emails>EmailMessage,Events>Event,Notes>Note,OpenActivities>OpenActivity,Opportunities>Opportunity,Tasks>Task,Users>User',
  },
  Contact: {
    fields:
      'Id:string!,IsDeleted:boolean!,MasterRecordId:string,AccountId:string,LastName:string!,FirstName:string' +
      ',Salutation:string,Name:string!,OtherStreet:string,OtherCity:string,OtherState:string,OtherPostalCode:string' +
      ',OtherCountry:string,OtherLatitude:number,OtherLongitude:number,OtherGeocodeAccuracy:string' +
      ',OtherAddress:Address,MailingStreet:string,MailingCity:string,MailingState:string,MailingPostalCode:string' +
      ',MailingCountry:string,MailingLatitude:number,MailingLongitude:number,MailingGeocodeAccuracy:string' +
      ',MailingAddress:Address,Phone:string,Fax:string,MobilePhone:string,HomePhone:string,OtherPhone:string' +
      ',AssistantPhone:string,ReportsToId:string,Email:string,Title:string,Department:string,AssistantName:string' +
      ',LeadSource:string,Birthdate:DateString,Description:string,OwnerId:string!,HasOptedOutOfEmail:boolean!' +
      ',HasOptedOutOfFax:boolean!,DoNotCall:boolean!,CanAllowPortalSelfReg:boolean!,CreatedDate:DateString!' +
      ',CreatedById:string!,LastModifiedDate:DateString!,LastModifiedById:string!,SystemModstamp:DateString!' +
      ',LastActivityDate:DateString,LastCURequestDate:DateString,LastCUUpdateDate:DateString,LastViewedDate:DateString' +
      ',LastReferencedDate:DateString,EmailBouncedReason:string,EmailBouncedDate:DateString,IsEmailBounced:boolean!' +
      ',PhotoUrl:string,Jigsaw:string,JigsawContactId:string,IndividualId:string',
    parents:
      'MasterRecord>Contact,Account>Account,ReportsTo>Contact,Owner>User,CreatedBy>User,LastModifiedBy>User,Individual>Individual',
    children:
      'ActivityHistories>ActivityHistory,EmailMessageRelations>EmailMessageRelation,Events>Event,EventRelations>EventRelation,Notes>Note,OpenActivities>OpenActivity,OpportunityContactRoles>OpportunityContactRole,Tasks>Task,Users>User',
  },
  Lead: {
    fields:
      'Id:string!,IsDeleted:boolean!,MasterRecordId:string,LastName:string!,FirstName:string,Salutation:string' +
      ',Name:string!,Title:string,Company:string!,Street:string,City:string,State:string,PostalCode:string' +
      ',Country:string,Latitude:number,Longitude:number,GeocodeAccuracy:string,Address:Address,Phone:string' +
      ',Email:string,Website:string,PhotoUrl:string,Description:string,LeadSource:string,Status:string!' +
      ',Industry:string,Rating:string,AnnualRevenue:number,NumberOfEmployees:number,OwnerId:string!' +
      ',HasOptedOutOfEmail:boolean!,DoNotCall:boolean!,IsConverted:boolean!,ConvertedDate:DateString,ConvertedAccountId:string,ConvertedContactId:string' +
      ',ConvertedOpportunityId:string,IsUnreadByOwner:boolean!,CreatedDate:DateString!,CreatedById:string!' +
      ',LastModifiedDate:DateString!,LastModifiedById:string!,SystemModstamp:DateString!,LastActivityDate:DateString' +
      ',LastViewedDate:DateString,LastReferencedDate:DateString,Jigsaw:string,JigsawContactId:string' +
      ',EmailBouncedReason:string,EmailBouncedDate:DateString,IndividualId:string',
    parents:
      'MasterRecord>Lead,Owner>Name,ConvertedAccount>Account,ConvertedContact>Contact,ConvertedOpportunity>Opportunity,CreatedBy>User,LastModifiedBy>User,Individual>Individual',
    children:
      'ActivityHistories>ActivityHistory,EmailMessageRelations>EmailMessageRelation,Events>Event,EventRelations>EventRelation,Notes>Note,OpenActivities>OpenActivity,Tasks>Task',
  },
  Opportunity: {
    fields:
      'Id:string!,IsDeleted:boolean!,AccountId:string,Name:string!,Description:string,StageName:string!,Amount:number' +
      ',Probability:number,CloseDate:DateString!,Type:string,NextStep:string,LeadSource:string,IsClosed:boolean!' +
      ',IsWon:boolean!,ForecastCategory:string!,ForecastCategoryName:string,CampaignId:string' +
      ',HasOpportunityLineItem:boolean!,Pricebook2Id:string,OwnerId:string!,CreatedDate:DateString!' +
      ',CreatedById:string!,LastModifiedDate:DateString!,LastModifiedById:string!,SystemModstamp:DateString!' +
      ',LastActivityDate:DateString,FiscalQuarter:number,FiscalYear:number,Fiscal:string,LastViewedDate:DateString' +
      ',LastReferencedDate:DateString,HasOpenActivity:boolean!,HasOverdueTask:boolean!',
    parents: 'Account>Account,Campaign>Campaign,Pricebook2>Pricebook2,Owner>User,CreatedBy>User,LastModifiedBy>User',
    children:
      'ActivityHistories>ActivityHistory,Emails>EmailMessage,Events>Event,Notes>Note,OpenActivities>OpenActivity,OpportunityContactRoles>OpportunityContactRole,Tasks>Task',
  },
  OpportunityContactRole: {
    fields:
      'Id:string!,OpportunityId:string!,ContactId:string!,Role:string,IsPrimary:boolean!,CreatedDate:DateString!' +
      ',CreatedById:string!,LastModifiedDate:DateString!,LastModifiedById:string!,SystemModstamp:DateString!' +
      ',IsDeleted:boolean!',
    parents: 'Opportunity>Opportunity,Contact>Contact,CreatedBy>User,LastModifiedBy>User',
    children: '',
  },
  Task: {
    fields:
      'Id:string!,WhoId:string,WhatId:string,Subject:string,ActivityDate:DateString,Status:string!,Priority:string!' +
      ',IsHighPriority:boolean!,OwnerId:string!,Description:string,IsDeleted:boolean!,AccountId:string' +
      ',IsClosed:boolean!,CreatedDate:DateString!,CreatedById:string!,LastModifiedDate:DateString!' +
      ',LastModifiedById:string!,SystemModstamp:DateString!,IsArchived:boolean!,CallDurationInSeconds:number' +
      ',CallType:string,CallDisposition:string,CallObject:string,ReminderDateTime:DateString,IsReminderSet:boolean!' +
      ',RecurrenceActivityId:string,IsRecurrence:boolean!,RecurrenceStartDateOnly:DateString' +
      ',RecurrenceEndDateOnly:DateString,RecurrenceTimeZoneSidKey:string,RecurrenceType:string' +
      ',RecurrenceInterval:number,RecurrenceDayOfWeekMask:number,RecurrenceDayOfMonth:number,RecurrenceInstance:string' +
      ',RecurrenceMonthOfYear:string,RecurrenceRegeneratedType:string,TaskSubtype:string',
    parents: 'Who>Name,What>Name,Owner>User,Account>Account,CreatedBy>User,LastModifiedBy>User',
    children: 'RecurringTasks>Task',
  },
  Event: {
    fields:
      'Id:string!,WhoId:string,WhatId:string,Subject:string,Location:string,IsAllDayEvent:boolean!' +
      ',ActivityDateTime:DateString,ActivityDate:DateString,DurationInMinutes:number,StartDateTime:DateString' +
      ',EndDateTime:DateString,Description:string,AccountId:string,OwnerId:string!,IsPrivate:boolean!,ShowAs:string' +
      ',IsDeleted:boolean!,IsChild:boolean!,IsGroupEvent:boolean!,GroupEventType:string,CreatedDate:DateString!' +
      ',CreatedById:string!,LastModifiedDate:DateString!,LastModifiedById:string!,SystemModstamp:DateString!' +
      ',IsArchived:boolean!,RecurrenceActivityId:string,IsRecurrence:boolean!,RecurrenceStartDateTime:DateString' +
      ',RecurrenceEndDateOnly:DateString,RecurrenceTimeZoneSidKey:string,RecurrenceType:string' +
      ',RecurrenceInterval:number,RecurrenceDayOfWeekMask:number,RecurrenceDayOfMonth:number,RecurrenceInstance:string' +
      ',RecurrenceMonthOfYear:string,ReminderDateTime:DateString,IsReminderSet:boolean!,EventSubtype:string',
    parents: 'Who>Name,What>Name,Account>Account,Owner>User,CreatedBy>User,LastModifiedBy>User',
    children: 'RecurringEvents>Event,EventRelations>EventRelation',
  },
  EmailMessage: {
    fields:
      'Id:string!,ParentId:string,ActivityId:string,CreatedById:string!,CreatedDate:DateString!' +
      ',LastModifiedDate:DateString!,LastModifiedById:string!,SystemModstamp:DateString!,TextBody:string' +
      ',HtmlBody:string,Headers:string,Subject:string,FromName:string,FromAddress:string,ValidatedFromAddress:string' +
      ',ToAddress:string,CcAddress:string,BccAddress:string,Incoming:boolean!,HasAttachment:boolean!,Status:string!' +
      ',MessageDate:DateString,IsDeleted:boolean!,ReplyToEmailMessageId:string,IsPrivateDraft:boolean!' +
      ',IsExternallyVisible:boolean!,MessageIdentifier:string,ThreadIdentifier:string,IsClientManaged:boolean!' +
      ',RelatedToId:string',
    parents: 'Parent>Case,CreatedBy>User,LastModifiedBy>User,ReplyToEmailMessage>EmailMessage,RelatedTo>Name',
    children: 'EmailMessageRelations>EmailMessageRelation',
  },
  EmailMessageRelation: {
    fields:
      'Id:string!,EmailMessageId:string!,RelationId:string,RelationType:string!,RelationAddress:string' +
      ',RelationObjectType:string,CreatedDate:DateString!,CreatedById:string!,SystemModstamp:DateString!' +
      ',IsDeleted:boolean!',
    parents: 'EmailMessage>EmailMessage,Relation>Name,CreatedBy>User',
    children: '',
  },
};
