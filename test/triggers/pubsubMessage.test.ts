import { readPubSubMessage } from '../../shared/triggers/pubsubMessage';

const encode = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe('readPubSubMessage', () => {
  it('decodes a scheduler payload and the message id', () => {
    expect(readPubSubMessage({ message: { data: encode('{"force":true}'), messageId: '42' } })).toEqual({
      messageId: '42',
      json: { force: true },
    });
  });

  it.each([
    ['no data', undefined],
    ['a string', 'hello'],
    ['no message', {}],
    ['data not base64 JSON', { message: { data: '!!!' } }],
    ['JSON array', { message: { data: encode('[1,2]') } }],
    ['JSON number', { message: { data: encode('7') } }],
    ['data of the wrong type', { message: { data: 12 } }],
    ['oversized data', { message: { data: encode(`{"a":"${'x'.repeat(70_000)}"}`) } }],
  ])('reads %s as an empty object', (_name, input) => {
    expect(readPubSubMessage(input).json).toEqual({});
  });
});
