/**
 * The most common passwords from public breach lists (lower-cased). Anything shorter than
 * our 10-character minimum is refused anyway, so the list leans to the long ones people
 * still pick, plus their "add 123" and "India" variants.
 */
const LIST = `
1234567890 0123456789 12345678910 123456789a 1234567890a a123456789 qwertyuiop qwertyuiop1
1q2w3e4r5t 1q2w3e4r5t6y 1qaz2wsx3edc zaq12wsxcde3 qazwsxedcrfv qwerty1234 qwerty12345
qwerty123456 qwertyuiop123 asdfghjkl1 asdfghjkl123 zxcvbnm123 zxcvbnm1234 1234qwerasdf
password12 password123 password1234 password12345 password123456 password@123 password!
password01 passw0rd123 p@ssw0rd123 p@ssword123 passwordpassword mypassword mypassword1
mypassword123 newpassword newpassword1 newpassword123 changeme123 letmein123 letmein1234
welcome123 welcome1234 welcome@123 welcometo1 iloveyou12 iloveyou123 iloveyou1234
iloveyou143 iloveyouu 1234512345 1122334455 1111111111 0000000000 1212121212 9876543210
0987654321 5555555555 7777777777 8888888888 9999999999 2222222222 3333333333 4444444444
6666666666 1231231231 1234554321 123123123123 12341234 abcdefghij abcdefghijk
abcd123456 abc1234567 abcdef1234 abcdefg123 football123 baseball123 basketball
basketball1 cricket123 cricket1234 superman123 batman1234 spiderman1 spiderman123
sunshine123 princess123 trustno1234 starwars123 pokemon123 computer123 internet123
monkey1234 dragon1234 master1234 shadow1234 michael123 jennifer123 jessica123
charlie123 liverpool1 liverpool123 chelsea123 arsenal123 manchester1 manutd1234
whatever123 qwertyqwerty asdfasdfasdf 1q2w3e4r5t6y7u 1234567890qwerty india12345
india123456 indian1234 iloveindia iloveindia123 jaihind123 jaishreeram jaishriram
jaimatadi123 krishna123 krishna1234 ganesh1234 hanuman123 omnamahshivaya sairam1234
bharat1234 mumbai1234 delhi12345 bangalore1 bangalore123 hyderabad1 chennai123 kolkata123
pune123456 trektribe1 trektribe123 trekking123 himalaya123 adventure1 adventure123
mountain123 travel1234 traveller1 admin12345 admin123456 administrator adminadmin
admin@1234 root123456 test123456 testtest12 guest12345 user123456 login12345 secret1234
sample1234 demo123456 default123 samsung123 samsung1234 nokia12345 google1234 facebook12
facebook123 instagram1 instagram123 whatsapp123 youtube123 microsoft1 apple12345 iphone1234
android123 lovely1234 loveme1234 mylove1234 sweetheart sweetheart1 babygirl12 beautiful1
friends123 family1234 freedom123 blessed123 godisgood1 jesus12345 loveyou123 happy12345
summer2024 summer2025 summer2026 winter2024 winter2025 winter2026 spring2025 autumn2025
january2025 december2025 password2024 password2025 password2026 welcome2025 welcome2026
india2025 india2026 qwerty2025 1234567890! 123456789! 12345678! qwerty123! abc@123456
aa12345678 aaaaaaaaaa zzzzzzzzzz qqqqqqqqqq 147258369a 1472583690 1597534862 7894561230
1237894560 3216549870 1qazxsw23edc qazxswedcvfr zxcvbnmasdf poiuytrewq lkjhgfdsa1
mnbvcxz123 asdf123456 asdfgh1234 qwer123456 qwerasdfzxcv 1q1q1q1q1q q1w2e3r4t5
q1w2e3r4t5y6 a1b2c3d4e5 a1s2d3f4g5 z1x2c3v4b5 abc123abc123 pass123456 pass@12345
iloveyou1 password password1 123456789 12345678 qwerty123 1q2w3e4r 123456 qwerty
`;

export const COMMON_PASSWORDS: ReadonlySet<string> = new Set(LIST.split(/\s+/).filter(Boolean));
